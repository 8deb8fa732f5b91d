package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvcbot/dvcbot/internal/datadir"
)

// Backup of one store, restore into a fresh one: the data comes back; restore
// refuses while the service holds the data dir.
func TestBackupRestoreRoundTrip(t *testing.T) {
	src := map[string]string{"DVCBOT_DATA_DIR": t.TempDir()}
	f := filepath.Join(t.TempDir(), "d.csv")
	csv := "code,applicant_name,applicant_phone,status\n000.00.12.H57-241022-0001,Nguyễn Văn A,0912345678,received\n"
	if err := os.WriteFile(f, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := runCLI(t, src, "dossiers", "import", f); code != 0 {
		t.Fatalf("dossiers import: %d %s", code, out)
	}
	if code, out := runCLI(t, src, "staff", "create", "an", "editor"); code != 0 {
		t.Fatalf("staff create: %d %s", code, out)
	}
	backup := filepath.Join(t.TempDir(), "dvcbot.backup")
	code, out := runCLI(t, src, "backup", backup)
	if code != 0 || !strings.Contains(out, "collections") {
		t.Fatalf("backup: %d %s", code, out)
	}

	dstDir := t.TempDir()
	dst := map[string]string{"DVCBOT_DATA_DIR": dstDir}
	svc, err := datadir.Acquire(dstDir, "dvcbot") // the service runs
	if err != nil {
		t.Fatal(err)
	}
	if code, out := runCLI(t, dst, "restore", backup); code == 0 || !strings.Contains(out, "stop it first") {
		t.Fatalf("restore while the service runs: %d %s", code, out)
	}
	_ = svc.Release()
	if code, out := runCLI(t, dst, "restore", backup); code != 0 || !strings.Contains(out, "restore:") {
		t.Fatalf("restore: %d %s", code, out)
	}
	if code, out := runCLI(t, dst, "staff", "list"); code != 0 || !strings.Contains(out, "an") {
		t.Fatalf("staff after restore: %d %s", code, out)
	}
	// Re-importing the same dossier changes nothing: it is there already.
	if code, out := runCLI(t, dst, "dossiers", "import", f); code != 0 || !strings.Contains(out, "unchanged 1") {
		t.Fatalf("dossier after restore: %d %s", code, out)
	}
}

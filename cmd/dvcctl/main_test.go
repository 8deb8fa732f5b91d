package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, env map[string]string, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &cliEnv{stdout: &out, stderr: &errb, getenv: func(k string) string { return env[k] }}
	code := run(context.Background(), e, args)
	return code, out.String() + errb.String()
}

func TestImportExportRoundTrip(t *testing.T) {
	env := map[string]string{"DVCBOT_DATA_DIR": t.TempDir()}
	seed := filepath.Join("..", "..", "knowledge", "seed", "procedures")
	if code, out := runCLI(t, env, "validate", seed); code != 0 || !strings.Contains(out, "94 valid") {
		t.Fatalf("validate: %d %s", code, out)
	}
	if code, out := runCLI(t, env, "import", seed); code != 0 || !strings.Contains(out, "created 94") {
		t.Fatalf("import: %d %s", code, out)
	}
	dir := t.TempDir()
	if code, out := runCLI(t, env, "export", dir); code != 0 || !strings.Contains(out, "exported 94") {
		t.Fatalf("export: %d %s", code, out)
	}
	// Importing the export changes nothing.
	if code, out := runCLI(t, env, "import", dir); code != 0 || !strings.Contains(out, "unchanged 94") {
		t.Fatalf("re-import: %d %s", code, out)
	}
	// A broken file is reported, the rest still load.
	if err := os.WriteFile(filepath.Join(dir, "hong.yaml"), []byte("id: hong\ntitle: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := runCLI(t, env, "import", dir); code != 1 || !strings.Contains(out, "hong.yaml") || !strings.Contains(out, "unchanged 94") {
		t.Fatalf("broken file: %d %s", code, out)
	}
}

func TestCLIUsageAndSearch(t *testing.T) {
	if code, out := runCLI(t, nil, "help"); code != 0 || !strings.Contains(out, "eval") {
		t.Fatalf("help: %d %s", code, out)
	}
	if code, _ := runCLI(t, nil, "nope"); code != 2 {
		t.Fatalf("unknown command: %d", code)
	}
	if code, out := runCLI(t, nil, "search", "lam lai cccd"); code != 0 || !strings.Contains(out, "cap-doi-cap-lai-the-can-cuoc") {
		t.Fatalf("search: %d %s", code, out)
	}
	if code, out := runCLI(t, nil, "eval", filepath.Join("..", "..", "knowledge", "evalset", "testdata", "heldout.tsv")); code != 0 || !strings.Contains(out, "top-1") {
		t.Fatalf("eval: %d %s", code, out)
	}
}

func TestDossierImportFromFile(t *testing.T) {
	env := map[string]string{"DVCBOT_DATA_DIR": t.TempDir()}
	f := filepath.Join(t.TempDir(), "d.csv")
	csv := "code,applicant_name,applicant_phone,status\n000.00.12.H57-241022-0001,Nguyễn Văn A,0912345678,received\nxx,b,1,received\n"
	if err := os.WriteFile(f, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out := runCLI(t, env, "dossiers", "import", f)
	if code != 1 || !strings.Contains(out, "upserted 1") || !strings.Contains(out, "REJECTED row 1") {
		t.Fatalf("dossiers import: %d %s", code, out)
	}
}

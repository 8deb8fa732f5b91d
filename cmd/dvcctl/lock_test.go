package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvcbot/dvcbot/internal/datadir"
)

// While the service holds the embedded data dir, commands that open the store
// refuse and say why; once it is released they take the lock themselves.
func TestStoreCommandsRefuseWhileTheServiceHoldsTheDataDir(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DVCBOT_DATA_DIR": dir}
	svc, err := datadir.Acquire(dir, "dvcbot") // stands for the running service
	if err != nil {
		t.Fatal(err)
	}
	seed := filepath.Join("..", "..", "knowledge", "seed", "procedures")
	want := fmt.Sprintf("in use by process %d (dvcbot", os.Getpid())
	for _, args := range [][]string{{"import", seed}, {"staff", "create", "an", "editor"}, {"reindex"}} {
		code, out := runCLI(t, env, args...)
		if code == 0 || !strings.Contains(out, want) || !strings.Contains(out, "stop it first") {
			t.Errorf("%v while the service runs: %d %q", args, code, out)
		}
	}
	if err := svc.Release(); err != nil {
		t.Fatal(err)
	}
	if code, out := runCLI(t, env, "reindex"); code != 0 {
		t.Fatalf("reindex with the service stopped: %d %s", code, out)
	}
	// dvcctl released the lock when it finished.
	l, err := datadir.Acquire(dir, "dvcbot")
	if err != nil {
		t.Fatalf("lock after dvcctl: %v", err)
	}
	_ = l.Release()
}

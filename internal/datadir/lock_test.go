package datadir

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestSecondAcquireNamesTheHolder(t *testing.T) {
	dir := t.TempDir()
	l, err := Acquire(dir, "dvcbot")
	if err != nil {
		t.Fatal(err)
	}
	// flock locks belong to the open file description, so a second open in the
	// same process conflicts just as another process would.
	_, err = Acquire(dir, "dvcctl import")
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("second Acquire = %v, want a HeldError", err)
	}
	if held.PID != os.Getpid() || held.Owner != "dvcbot" {
		t.Fatalf("holder %+v, want pid %d owner dvcbot", held, os.Getpid())
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "process ") || !strings.Contains(msg, "DVCBOT_DATA_DIR") {
		t.Fatalf("message %q", msg)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := Acquire(dir, "dvcctl import")
	if err != nil {
		t.Fatalf("Acquire after Release = %v", err)
	}
	_ = l2.Release()
	_ = l2.Release()
}

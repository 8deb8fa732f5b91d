// Package datadir guards an embedded data directory so that one process owns
// it: the embedded store keeps state in memory (sessions, dossier cache) and
// serialises its own writes, so a second process on the same files would
// diverge silently. It imports only the standard library.
package datadir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// FileName is the lock file inside the data directory.
const FileName = "dvcbot.lock"

// HeldError says another process holds the directory.
type HeldError struct {
	Dir   string // absolute data directory
	PID   int    // holder's process id, 0 when unknown
	Owner string // holder's program name ("dvcbot", "dvcctl import")
	Since string // when it took the lock (RFC 3339), empty when unknown
}

func (e *HeldError) Error() string {
	who := "another process"
	if e.PID > 0 {
		who = "process " + strconv.Itoa(e.PID)
	}
	var detail []string
	if e.Owner != "" {
		detail = append(detail, e.Owner)
	}
	if e.Since != "" {
		detail = append(detail, "since "+e.Since)
	}
	if len(detail) > 0 {
		who += " (" + strings.Join(detail, ", ") + ")"
	}
	return fmt.Sprintf("data dir %s is in use by %s; one process owns an embedded store: stop it, or set DVCBOT_DATA_DIR to another directory", e.Dir, who)
}

// Lock is an exclusive hold on a data directory, released by Release or when
// the process ends (however it ends: the kernel drops the lock).
type Lock struct {
	f    *os.File
	path string
}

// Acquire takes the lock of dir for owner (a short program name), creating dir
// when needed. It does not wait: when another process holds it, the error is a
// *HeldError naming that process.
func Acquire(dir, owner string) (*Lock, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("data dir %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir %s (set DVCBOT_DATA_DIR to a writable directory): %w", abs, err)
	}
	path := filepath.Join(abs, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open lock file %s: %w", path, err)
	}
	if err := tryLock(f); err != nil {
		_ = f.Close()
		if errors.Is(err, errLocked) {
			return nil, readHolder(abs, path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	info := fmt.Sprintf("pid=%d\nowner=%s\nsince=%s\n", os.Getpid(), owner, time.Now().UTC().Format(time.RFC3339))
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(info), 0)
	}
	return &Lock{f: f, path: path}, nil
}

// Release gives the directory up. Safe to call more than once.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

// Path is the lock file.
func (l *Lock) Path() string { return l.path }

var errLocked = errors.New("locked")

// readHolder describes the holder from the file's content. The holder writes
// it right after locking, so it may briefly be empty.
func readHolder(dir, path string) error {
	e := &HeldError{Dir: dir}
	for range 5 {
		b, _ := os.ReadFile(path)
		for _, line := range strings.Split(string(b), "\n") {
			k, v, _ := strings.Cut(line, "=")
			switch k {
			case "pid":
				e.PID, _ = strconv.Atoi(v)
			case "owner":
				e.Owner = v
			case "since":
				e.Since = v
			}
		}
		if e.PID > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return e
}

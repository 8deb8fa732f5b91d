package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests run the real binary, built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dvcbot-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "dvcbot")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is one running dvcbot.
type proc struct {
	cmd    *exec.Cmd
	addr   string
	mu     sync.Mutex
	stderr bytes.Buffer
	exited chan struct{}
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startProc starts the binary with env on top of a minimal environment.
func startProc(t testing.TB, env map[string]string) *proc {
	t.Helper()
	p := &proc{addr: freeAddr(t), exited: make(chan struct{})}
	p.cmd = exec.Command(binary)
	p.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "DVCBOT_ADDR=" + p.addr, "DVCBOT_LOG_LEVEL=warn"}
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	r, w := io.Pipe()
	p.cmd.Stderr = w
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			p.mu.Lock()
			p.stderr.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
		}
	}()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); w.Close(); close(p.exited) }()
	t.Cleanup(func() { p.kill() })
	return p
}

func (p *proc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

func (p *proc) kill() {
	select {
	case <-p.exited:
	default:
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.exited
	}
}

// stop sends SIGTERM and waits for a clean exit.
func (p *proc) stop(t testing.TB) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("dvcbot did not stop within 30s:\n%s", p.log())
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("dvcbot exited %d:\n%s", code, p.log())
	}
}

// waitReady waits until /readyz answers 200 and reports how long that took.
func (p *proc) waitReady(t testing.TB, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < within {
		select {
		case <-p.exited:
			t.Fatalf("dvcbot exited before ready (%v):\n%s", p.cmd.ProcessState, p.log())
		default:
		}
		resp, err := http.Get("http://" + p.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return time.Since(start)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("dvcbot not ready within %v:\n%s", within, p.log())
	return 0
}

func TestSecondProcessOnOneDataDirExitsAtOnce(t *testing.T) {
	dir := t.TempDir()
	first := startProc(t, map[string]string{"DVCBOT_DATA_DIR": dir})
	first.waitReady(t, 60*time.Second)

	second := startProc(t, map[string]string{"DVCBOT_DATA_DIR": dir})
	start := time.Now()
	select {
	case <-second.exited:
	case <-time.After(time.Second):
		t.Fatalf("the second dvcbot still runs after 1s:\n%s", second.log())
	}
	took := time.Since(start)
	if code := second.cmd.ProcessState.ExitCode(); code == 0 {
		t.Fatalf("the second dvcbot exited 0:\n%s", second.log())
	}
	out := strings.TrimSpace(second.log())
	want := fmt.Sprintf("in use by process %d", first.cmd.Process.Pid)
	if strings.Count(out, "\n") != 0 || !strings.Contains(out, want) {
		t.Fatalf("the second dvcbot said %q; want one line containing %q", out, want)
	}
	t.Logf("second process refused in %v: %s", took.Round(time.Millisecond), out)

	// The first one is unharmed and, once stopped, frees the directory.
	first.waitReady(t, time.Second)
	first.stop(t)
	third := startProc(t, map[string]string{"DVCBOT_DATA_DIR": dir})
	third.waitReady(t, 60*time.Second)
	third.stop(t)
}

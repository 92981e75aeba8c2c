package xvfb

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Screen is a running Xvfb, stopped when the test ends.
type Screen struct {
	Display string // ":N"
	exited  chan struct{}
	stderr  *bytes.Buffer
}

// Start starts Xvfb with one screen of size ("WxHxDEPTH") and waits until
// it answers (xdotool getdisplaygeometry); it fails t otherwise.
func Start(t testing.TB, size string) *Screen {
	t.Helper()
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", size, "-nolisten", "tcp",
		"-noreset") // else X resets when one app leaves, and the next cannot connect meanwhile
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.ExtraFiles = []*os.File{w}
	s := &Screen{exited: make(chan struct{}), stderr: &bytes.Buffer{}}
	cmd.Stderr = s.stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	go func() { cmd.Wait(); close(s.exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM) // Xvfb removes its lock file and socket
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-s.exited
		}
	})
	// Xvfb writes the display number and a newline when it is ready; r
	// stays open while it runs (closing it early kills Xvfb with EPIPE).
	t.Cleanup(func() { r.Close() })
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case n := <-got:
		if n == "" {
			t.Fatalf("Xvfb did not start:\n%s", s.stderr.String())
		}
		check := exec.Command("xdotool", "getdisplaygeometry")
		check.Env = []string{"DISPLAY=:" + n}
		if out, err := check.CombinedOutput(); err != nil {
			t.Fatalf("Xvfb on :%s does not answer: %v %s\n%s", n, err, out, s.stderr.String())
		}
		s.Display = ":" + n
		return s
	case <-s.exited:
		t.Fatalf("Xvfb exited:\n%s", s.stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("Xvfb did not report a display in 30 s:\n%s", s.stderr.String())
	}
	return nil
}

// Alive says whether Xvfb still runs, with its output if not (for
// failure messages).
func (s *Screen) Alive() string {
	select {
	case <-s.exited:
		return "Xvfb has exited:\n" + s.stderr.String()
	default:
		return "Xvfb is running"
	}
}

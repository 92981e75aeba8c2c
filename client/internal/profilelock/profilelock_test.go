package profilelock

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"cipherleaf.dev/shared/childproc"
)

// holderEnv names the lock file a child started by this test binary holds
// (see TestMain).
const holderEnv = "PROFILELOCK_TEST_HOLD"

// TestMain runs as the lock holder when holderEnv is set: it takes the
// lock, says "locked" on stdout and keeps it until its stdin closes or it
// is killed.
func TestMain(m *testing.M) {
	if path := os.Getenv(holderEnv); path != "" {
		l, err := TryLock(path)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(2)
		}
		fmt.Println("locked")
		io.Copy(io.Discard, os.Stdin)
		l.Unlock()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestTryLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	first, err := TryLock(path)
	if err != nil {
		t.Fatalf("TryLock(%q) = %v, want the lock", path, err)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("lock file mode = %v, want 0600", fi.Mode().Perm())
		}
	}
	if l, err := TryLock(path); !errors.Is(err, ErrLocked) {
		if l != nil {
			l.Unlock()
		}
		t.Fatalf("second TryLock(%q) = %v, want ErrLocked", path, err)
	}
	if err := first.Unlock(); err != nil {
		t.Fatal(err)
	}
	again, err := TryLock(path)
	if err != nil {
		t.Fatalf("TryLock after Unlock = %v, want the lock", err)
	}
	again.Unlock()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("lock file gone after Unlock: %v (it must stay)", err)
	}
}

func TestTryLockMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", FileName)
	if l, err := TryLock(path); err == nil || errors.Is(err, ErrLocked) {
		if l != nil {
			l.Unlock()
		}
		t.Fatalf("TryLock(%q) = %v, want an open error", path, err)
	}
}

// TestLockHeldByAnotherProcess: a child process holding the lock keeps
// this one out; once the child ends, by kill -9 (TerminateProcess on
// Windows) or by closing normally, the OS has released the lock.
func TestLockHeldByAnotherProcess(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(cmd *exec.Cmd, stdin io.Closer) error
	}{
		{"killed", func(cmd *exec.Cmd, _ io.Closer) error { return cmd.Process.Kill() }},
		{"exits", func(_ *exec.Cmd, stdin io.Closer) error { return stdin.Close() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), FileName)
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), holderEnv+"="+path)
			cmd.Stderr = os.Stderr
			childproc.DieWithParent(cmd)
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waited := false
			t.Cleanup(func() {
				if !waited {
					cmd.Process.Kill()
					cmd.Wait()
				}
			})
			line, err := bufio.NewReader(stdout).ReadString('\n')
			if err != nil || line != "locked\n" {
				t.Fatalf("child said %q, %v; want \"locked\"", line, err)
			}

			if l, err := TryLock(path); !errors.Is(err, ErrLocked) {
				if l != nil {
					l.Unlock()
				}
				t.Fatalf("TryLock while the child holds it = %v, want ErrLocked", err)
			}

			if err := tc.end(cmd, stdin); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			waited = true
			// The process is gone; its lock must be too. Polled with a
			// deadline in case an OS releases it just after the wait.
			deadline := time.Now().Add(10 * time.Second)
			for {
				l, err := TryLock(path)
				if err == nil {
					l.Unlock()
					return
				}
				if !errors.Is(err, ErrLocked) || time.Now().After(deadline) {
					t.Fatalf("TryLock after the child ended = %v, want the lock", err)
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

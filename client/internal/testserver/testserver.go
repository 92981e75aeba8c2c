// Package testserver builds and runs the real cipherleafd binary for
// end-to-end tests of the client (core, CLI, GUI): HTTPS on loopback with
// its self-signed certificate, a throwaway data folder, fast bcrypt. Tests
// read the pin and address the server prints and talk to it like a device.
package testserver

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"cipherleaf.dev/client/apiclient"
	"cipherleaf.dev/shared/childproc"
)

// EnvBinary names the environment variable through which `make test` hands
// every test package the one cipherleafd it built for the run, so no package
// compiles its own copy. Unset (a plain `go test`), the tests build it.
const EnvBinary = "CIPHERLEAFD_BIN"

// Build compiles cipherleafd into dir and returns the binary's path.
func Build(dir string) (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("locate testserver source")
	}
	src := filepath.Join(filepath.Dir(file), "..", "..", "..", "server", "cmd", "cipherleafd")
	bin := filepath.Join(dir, "cipherleafd")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build cipherleafd: %w\n%s", err, out)
	}
	return bin, nil
}

// Server is one running cipherleafd.
type Server struct {
	Bin         string
	DataDir     string
	URL         string // https://127.0.0.1:PORT
	Fingerprint string // sha256:<hex>
	Args        []string

	t    testing.TB
	cmd  *exec.Cmd
	done chan struct{}
	mu   sync.Mutex
	logs bytes.Buffer // stdout and stderr of every run
}

// Start runs bin serving a fresh data folder on a free loopback port.
func Start(t testing.TB, bin string, extraArgs ...string) *Server {
	t.Helper()
	return StartOn(t, bin, "127.0.0.1:0", extraArgs...)
}

// StartOn runs bin serving a fresh data folder on addr (e.g. the port of a
// killed server, to present another certificate at the same address).
func StartOn(t testing.TB, bin, addr string, extraArgs ...string) *Server {
	t.Helper()
	s := &Server{Bin: bin, DataDir: filepath.Join(t.TempDir(), "data"), t: t, Args: extraArgs}
	s.start(addr)
	t.Cleanup(s.Kill)
	return s
}

// Addr returns host:port.
func (s *Server) Addr() string { return strings.TrimPrefix(s.URL, "https://") }

// Logs returns everything the server printed so far.
func (s *Server) Logs() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.logs.Bytes())
}

type lockedWriter struct{ s *Server }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	return w.s.logs.Write(p)
}

func (s *Server) start(addr string) {
	t := s.t
	t.Helper()
	args := append([]string{"serve", "--data", s.DataDir, "--addr", addr, "--bcrypt-cost", "4"}, s.Args...)
	cmd := exec.Command(s.Bin, args...)
	childproc.DieWithParent(cmd)
	pr, pw := io.Pipe()
	cmd.Stdout = io.MultiWriter(pw, lockedWriter{s})
	cmd.Stderr = lockedWriter{s}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start cipherleafd: %v", err)
	}
	s.cmd, s.done = cmd, make(chan struct{})
	go func() { cmd.Wait(); pw.Close(); close(s.done) }()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(30 * time.Second)
	url := ""
	for url == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("cipherleafd exited before listening:\n%s", s.Logs())
			}
			if fp, ok := strings.CutPrefix(l, "fingerprint: "); ok {
				s.Fingerprint = fp
			}
			if u, ok := strings.CutPrefix(l, "listening on "); ok {
				url = u
			}
		case <-deadline:
			t.Fatalf("cipherleafd did not print its address:\n%s", s.Logs())
		}
	}
	go func() {
		for range lines {
		}
	}()
	s.URL = url
	s.waitHealthy()
}

// waitHealthy polls /healthz until it answers or 20 s pass.
func (s *Server) waitHealthy() {
	c, err := apiclient.New(apiclient.Config{BaseURL: s.URL, Pin: s.Fingerprint, Timeout: 2 * time.Second, Retries: -1})
	if err != nil {
		s.t.Fatalf("health client: %v", err)
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := c.Health(ctx)
		cancel()
		if err == nil {
			return
		}
		select {
		case <-tick.C:
		case <-deadline:
			s.t.Fatalf("cipherleafd not healthy: %v\n%s", err, s.Logs())
		}
	}
}

// Kill stops the server abruptly (SIGKILL) and waits for it to exit.
func (s *Server) Kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.done
}

// Restart starts the server again on the same port and data folder.
func (s *Server) Restart() {
	s.t.Helper()
	s.Kill()
	s.start(s.Addr())
}

// NewCertificate restarts the server on the same port and data folder
// with a new self-signed certificate (as when an operator replaces it): the
// accounts and notes stay, the fingerprint changes.
func (s *Server) NewCertificate() {
	s.t.Helper()
	s.Kill()
	for _, f := range []string{"tls-cert.pem", "tls-key.pem"} {
		if err := os.Remove(filepath.Join(s.DataDir, f)); err != nil {
			s.t.Fatalf("remove the old certificate: %v", err)
		}
	}
	s.start(s.Addr())
}

// Files returns the paths of the server's data files (database, WAL, logs).
func (s *Server) Files() []string {
	var out []string
	filepath.WalkDir(s.DataDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// RunTests is a TestMain body: unless -short, it finds cipherleafd (the
// binary named by $CIPHERLEAFD_BIN, else one built into a temporary folder)
// and stores its path in *bin (left "" under -short, where tests needing
// the server skip), runs m, and removes what it built. A package whose
// tests pass but leave goroutines of this repository running (Leaks) fails.
func RunTests(m *testing.M, bin *string) int {
	if !testing.Short() {
		path, cleanup, err := find()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer cleanup()
		*bin = path
	}
	code := m.Run()
	runAtExit()
	if code == 0 {
		if leaks := Leaks(); len(leaks) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: %d goroutines of this repository still running after the tests:\n\n%s\n",
				len(leaks), strings.Join(leaks, "\n\n"))
			code = 1
		}
	}
	return code
}

var (
	atExitMu sync.Mutex
	atExit   []func()
)

// AtExit registers f to run once RunTests' tests have finished, before
// its check for leftover goroutines, the last registered first: the
// teardown of a fixture that outlives one test or benchmark (a server and
// profiles that several benchmarks share).
func AtExit(f func()) {
	atExitMu.Lock()
	atExit = append(atExit, f)
	atExitMu.Unlock()
}

func runAtExit() {
	atExitMu.Lock()
	fs := atExit
	atExit = nil
	atExitMu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

// Binary returns the cipherleafd for one test: $CIPHERLEAFD_BIN, else one
// built into the test's temporary folder.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(EnvBinary); p != "" {
		return p
	}
	p, err := Build(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// find returns $CIPHERLEAFD_BIN, or builds cipherleafd into a new temporary
// folder that cleanup removes.
func find() (path string, cleanup func(), err error) {
	if p := os.Getenv(EnvBinary); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", nil, fmt.Errorf("%s: %w", EnvBinary, err)
		}
		return p, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "cipherleafd-bin")
	if err != nil {
		return "", nil, fmt.Errorf("create build folder: %w", err)
	}
	p, err := Build(dir)
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return p, func() { os.RemoveAll(dir) }, nil
}

// Pid returns the process id of the running server (0 when stopped).
func (s *Server) Pid() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

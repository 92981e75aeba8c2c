package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"cipherleaf.dev/shared/childproc"
	"cipherleaf.dev/shared/protocol"
)

// envBinary names the cipherleafd that `make test` builds once per run and
// hands to every test package (client/internal/testserver reads it too).
const envBinary = "CIPHERLEAFD_BIN"

// binary is the cipherleafd the end-to-end tests run: $CIPHERLEAFD_BIN, or
// one built once for this test binary.
var binary string

func TestMain(m *testing.M) {
	code := runTests(m)
	for _, stop := range []func() error{stopPostgres, stopS3} {
		if err := stop(); err != nil && code == 0 {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

func runTests(m *testing.M) int {
	if binary = os.Getenv(envBinary); binary != "" {
		if _, err := os.Stat(binary); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", envBinary, err)
			return 1
		}
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "cipherleafd-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "cipherleafd")
	// Built from this package's folder so the server module's go.mod (with
	// its replace of shared) is used, with or without the workspace.
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// daemon is a running cipherleafd.
type daemon struct {
	t           *testing.T
	cmd         *exec.Cmd
	data        string
	base        string // https://127.0.0.1:PORT
	fingerprint string
	metrics     string // http://ADDR of --metrics-addr, if set
	client      *http.Client
	stderr      *syncBuffer
	done        chan struct{}
	exitErr     error
}

// syncBuffer collects a child's output; every write pokes wrote, so a
// test can wait for a line instead of sleeping.
type syncBuffer struct {
	mu    sync.Mutex
	b     bytes.Buffer
	wrote chan struct{} // buffered 1; made by newSyncBuffer
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{wrote: make(chan struct{}, 1)} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.b.Write(p)
	select {
	case s.wrote <- struct{}{}:
	default:
	}
	return n, err
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// waitFor reports whether the output holds substr within d. The child
// writes a line after it has answered the request, so the line may lag.
func (s *syncBuffer) waitFor(substr string, d time.Duration) bool {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for !strings.Contains(s.String(), substr) {
		select {
		case <-s.wrote:
		case <-deadline.C:
			return strings.Contains(s.String(), substr)
		}
	}
	return true
}

// pinnedClient trusts exactly the certificate with fingerprint fp.
func pinnedClient(fp string) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{
				// Chain verification is replaced, not skipped: VerifyConnection
				// accepts only the pinned certificate.
				InsecureSkipVerify: true,
				VerifyConnection: func(cs tls.ConnectionState) error {
					if len(cs.PeerCertificates) == 0 {
						return errors.New("no certificate")
					}
					h := sha256.Sum256(cs.PeerCertificates[0].Raw)
					if "sha256:"+hex.EncodeToString(h[:]) != fp {
						return errors.New("certificate does not match the pin")
					}
					return nil
				},
			},
			MaxIdleConnsPerHost: 64,
		},
	}
}

// start runs cipherleafd serve on 127.0.0.1:0 with data dir and extra args
// and waits until /healthz answers.
func start(t *testing.T, data string, args ...string) *daemon {
	t.Helper()
	return startEnv(t, nil, data, args...)
}

// startEnv is start with env added to the daemon's environment.
func startEnv(t *testing.T, env []string, data string, args ...string) *daemon {
	t.Helper()
	all := append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0", "--bcrypt-cost", "4"}, args...)
	cmd := exec.Command(binary, all...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	childproc.DieWithParent(cmd)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	d := &daemon{t: t, cmd: cmd, data: data, stderr: newSyncBuffer(), done: make(chan struct{})}
	cmd.Stderr = d.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		io.Copy(io.Discard, stdout)
	}()
	go func() { d.exitErr = cmd.Wait(); close(d.done) }()
	t.Cleanup(func() { d.kill() })
	deadline := time.After(20 * time.Second)
	for d.base == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("cipherleafd exited before listening; stderr:\n%s", d.stderr)
			}
			if fp, ok := strings.CutPrefix(l, "fingerprint: "); ok {
				d.fingerprint = fp
			}
			if addr, ok := strings.CutPrefix(l, "metrics on "); ok {
				d.metrics = addr
			}
			if addr, ok := strings.CutPrefix(l, "listening on "); ok {
				d.base = addr
			}
		case <-deadline:
			t.Fatalf("cipherleafd did not print its address; stderr:\n%s", d.stderr)
		}
	}
	go func() {
		for range lines {
		}
	}()
	d.client = pinnedClient(d.fingerprint)
	d.waitHealthy()
	return d
}

// waitHealthy polls /healthz until it answers 200 or a deadline passes.
func (d *daemon) waitHealthy() {
	d.t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(20 * time.Second)
	for {
		resp, err := d.client.Get(d.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		select {
		case <-tick.C:
		case <-deadline:
			d.t.Fatalf("healthz never answered: %v; stderr:\n%s", err, d.stderr)
		}
	}
}

func (d *daemon) kill() {
	if d.cmd.Process != nil {
		d.cmd.Process.Kill()
		<-d.done
	}
}

// stop sends SIGTERM and waits for a clean exit.
func (d *daemon) stop() {
	d.t.Helper()
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(20 * time.Second):
		d.t.Fatalf("cipherleafd did not stop on SIGTERM")
	}
	if d.exitErr != nil {
		d.t.Errorf("cipherleafd exit after SIGTERM: %v; stderr:\n%s", d.exitErr, d.stderr)
	}
}

// call sends a JSON request and decodes a 2xx answer into out.
func (d *daemon) call(method, path, token string, in, out any) (int, []byte) {
	d.t.Helper()
	var body io.Reader
	if in != nil {
		j, err := json.Marshal(in)
		if err != nil {
			d.t.Fatal(err)
		}
		body = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, d.base+path, body)
	if err != nil {
		d.t.Fatal(err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := d.client.Do(req)
	if err != nil {
		d.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		d.t.Fatal(err)
	}
	if out != nil && resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(b, out); err != nil {
			d.t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	return resp.StatusCode, b
}

func repeat(b byte, n int) []byte { return bytes.Repeat([]byte{b}, n) }

func (d *daemon) register(name string) protocol.LoginResponse {
	d.t.Helper()
	req := protocol.RegisterRequest{Username: name, AuthKey: repeat(1, 32), RecoveryAuthKey: repeat(2, 32),
		KDF:        protocol.KDF{Alg: "argon2id", Version: 19, Time: 3, Memory: 65536, Threads: 4, Salt: repeat(3, 16)},
		WrappedKey: repeat(4, 77), RecoveryWrappedKey: repeat(5, 77), DeviceName: "e2e"}
	var lr protocol.LoginResponse
	if st, b := d.call("POST", "/api/v1/auth/register", "", req, &lr); st != 201 {
		d.t.Fatalf("register %s = %d %s", name, st, b)
	}
	return lr
}

func noteID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

// allChanges pages through the whole change feed.
func (d *daemon) allChanges(token string) []protocol.Change {
	d.t.Helper()
	var all []protocol.Change
	since := uint64(0)
	for {
		var cr protocol.ChangesResponse
		if st, b := d.call("GET", fmt.Sprintf("/api/v1/notes?since=%d&limit=5000", since), token, nil, &cr); st != 200 {
			d.t.Fatalf("changes = %d %s", st, b)
		}
		all = append(all, cr.Changes...)
		since = cr.Next
		if !cr.More {
			return all
		}
	}
}

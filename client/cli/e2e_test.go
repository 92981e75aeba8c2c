package cli

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/testserver"
	"cipherleaf.dev/client/keystore"
	"cipherleaf.dev/shared/childproc"
	"cipherleaf.dev/shared/cryptobox"
)

// floorParams are the cheapest KDF parameters cipherleafd accepts.
func floorParams() (cryptobox.Params, error) {
	p, err := cryptobox.NewParams()
	p.Time, p.Memory, p.Threads = 2, 19456, 1
	return p, err
}

// startServer starts the real cipherleafd on a loopback port and
// returns its URL and certificate fingerprint.
func startServer(t *testing.T) (url, fingerprint string) {
	t.Helper()
	bin := testserver.Binary(t)
	cmd := exec.Command(bin, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--bcrypt-cost", "4")
	childproc.DieWithParent(cmd)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	for (url == "" || fingerprint == "") && sc.Scan() {
		l := sc.Text()
		if v, ok := strings.CutPrefix(l, "fingerprint: "); ok {
			fingerprint = v
		}
		if v, ok := strings.CutPrefix(l, "listening on "); ok {
			url = v
		}
	}
	if url == "" || fingerprint == "" {
		t.Fatalf("cipherleafd printed no address or fingerprint; stderr:\n%s", stderr.String())
	}
	go func() {
		for sc.Scan() {
		}
	}()
	return url, fingerprint
}

// device is one profile folder driven through the CLI with the real core.
type device struct {
	t   *testing.T
	dir string
	env map[string]string
}

func newDevice(t *testing.T, name, password string) *device {
	return &device{t: t, dir: filepath.Join(t.TempDir(), name), env: map[string]string{EnvPassword: password}}
}

// run runs one command; it returns stdout and the single stderr error line.
func (d *device) run(stdin string, args ...string) (string, string, error) {
	d.t.Helper()
	var out, errb bytes.Buffer
	a := &app{
		getenv: func(k string) string { return d.env[k] },
		stdin:  strings.NewReader(stdin), stdout: &out, stderr: &errb,
		open: func(dir string) (Core, error) {
			return core.Open(core.Config{ProfileDir: dir, Policy: cryptobox.InsecureTestPolicy,
				NewParams: floorParams, Keyring: keystore.OS{}, DeviceName: "e2e " + filepath.Base(dir)})
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := a.main(ctx, append([]string{"--profile", d.dir}, args...))
	lines := strings.Split(strings.TrimSuffix(errb.String(), "\n"), "\n")
	return out.String(), lines[len(lines)-1], err
}

// ok runs a command that must succeed and returns its stdout.
func (d *device) ok(stdin string, args ...string) string {
	d.t.Helper()
	out, errLine, err := d.run(stdin, args...)
	if err != nil {
		d.t.Fatalf("%s %v: %v (stderr %q)", filepath.Base(d.dir), args, err, errLine)
	}
	return out
}

// fails runs a command that must fail with an error line containing want.
func (d *device) fails(want string, args ...string) {
	d.t.Helper()
	_, errLine, err := d.run("", args...)
	if err == nil || !strings.Contains(errLine, want) {
		d.t.Fatalf("%s %v: err %v, stderr %q; want failure mentioning %q", filepath.Base(d.dir), args, err, errLine, want)
	}
}

func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs cipherleafd")
	}
	keyring.MockInit()
	url, fp := startServer(t)
	a, b := newDevice(t, "a", "correct horse"), newDevice(t, "b", "correct horse")
	acct := []string{"--server", url, "--user", "ann"}

	// Trust on first use: a self-signed server needs its fingerprint.
	a.fails("--pin "+fp, append([]string{"register"}, acct...)...)
	a.fails("fingerprint is "+fp, append([]string{"register", "--pin", "sha256:" + strings.Repeat("0", 64)}, acct...)...)
	rk := strings.TrimSpace(a.ok("", append([]string{"register", "--pin", fp}, acct...)...))
	if rk == "" || strings.Contains(rk, "\n") {
		t.Fatalf("register printed %q, want the recovery key alone", rk)
	}

	// A writes offline-first, syncs; B signs in and sees the note.
	id := strings.TrimSpace(a.ok("hello from A\n", "new", "--title", "first"))
	if !strings.Contains(a.ok("", "list"), id+"\tfirst\t") {
		t.Fatalf("A's list lacks the new note")
	}
	a.ok("", "sync")
	b.ok("", append([]string{"login", "--pin", fp}, acct...)...)
	b.ok("", "sync")
	if got := b.ok("", "list"); !strings.HasPrefix(got, id+"\tfirst\t") {
		t.Fatalf("B list = %q, want the note %s", got, id)
	}
	if got := b.ok("", "show", id); got != "hello from A\n" {
		t.Fatalf("B show = %q, want A's body", got)
	}

	// B edits, A follows; search finds the new words.
	b.ok("edited on B\n", "edit", id)
	b.ok("", "sync")
	a.ok("", "sync")
	if got := a.ok("", "show", id); got != "edited on B\n" {
		t.Fatalf("A show after sync = %q, want B's edit", got)
	}
	if got := a.ok("", "search", "edited"); !strings.Contains(got, id) {
		t.Fatalf("A search = %q, want %s", got, id)
	}
	if got := b.ok("", "sessions"); strings.Count(got, "\n") != 2 || !strings.Contains(got, "\tcurrent\n") {
		t.Fatalf("B sessions = %q, want two sessions, one current", got)
	}

	// Mistakes are one clear line, from core.Words.
	wrong := &device{t: t, dir: a.dir, env: map[string]string{EnvPassword: "nope"}}
	wrong.fails(core.Words(core.ErrWrongPassword), "list")
	a.fails("not a note ID", "show", "nope")

	// Backups.
	backup := filepath.Join(t.TempDir(), "notes.clb")
	a.ok("", "export", "--out", backup)
	if st, err := os.Stat(backup); err != nil || st.Size() == 0 {
		t.Fatalf("encrypted export: %v", err)
	}
	if b, _ := os.ReadFile(backup); bytes.Contains(b, []byte("edited on B")) {
		t.Fatalf("encrypted export holds plaintext")
	}
	plain := filepath.Join(t.TempDir(), "md")
	_, warn, err := a.run("", "export", "--out", plain, "--plain")
	if err != nil || !strings.Contains(warn, "UNENCRYPTED") {
		t.Fatalf("plain export: err %v, stderr %q", err, warn)
	}

	// A changes the password: B must sign in again; A opens with the new one.
	// B's edit made before it learns of it survives signing in again.
	b.ok("written on B, not yet synced\n", "new", "--title", "pending")
	a.env[EnvNewPassword] = "battery staple"
	a.ok("", "passwd")
	a.env = map[string]string{EnvPassword: "battery staple"}
	a.ok("", "list")
	b.fails(core.Words(core.ErrSessionExpired), "sync")
	b.fails("cipherleaf-cli login", "sync")
	b.env[EnvPassword] = "battery staple"
	b.ok("", append([]string{"login", "--pin", fp}, acct...)...)
	b.ok("", "sync")
	a.ok("", "sync")
	if got := a.ok("", "list"); !strings.Contains(got, "\tpending\t") {
		t.Fatalf("A list after B signed in again = %q, want B's unsynced note", got)
	}

	// Recovery on a third device sets another password and sees the notes.
	c := newDevice(t, "c", "")
	c.env = map[string]string{EnvRecoveryKey: rk, EnvNewPassword: "third password"}
	c.ok("", append([]string{"recover", "--pin", fp}, acct...)...)
	c.env = map[string]string{EnvPassword: "third password"}
	c.ok("", "sync")
	if got := c.ok("", "show", id); got != "edited on B\n" {
		t.Fatalf("C show after recover = %q", got)
	}
	c.ok("", "rm", id)
	c.ok("", "sync")
	if got := c.ok("", "list"); strings.Contains(got, id) {
		t.Fatalf("C list after rm = %q", got)
	}
	c.ok("", "logout")
	c.fails(core.Words(core.ErrNoAccount), "list")
}

package core_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/testserver"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// floorParams are the cheapest parameters a server accepts (SPEC §2 floor).
func floorParams() (cryptobox.Params, error) {
	p, err := tinyParams()
	p.Time, p.Memory, p.Threads = 2, 19456, 1
	return p, err
}

// realDevice opens a core that talks HTTPS to a real server.
func realDevice(t *testing.T, dir string) *core.Core {
	t.Helper()
	c, err := core.Open(core.Config{
		ProfileDir: dir,
		Policy:     cryptobox.DefaultPolicy,
		NewParams:  floorParams,
		DeviceName: "e2e",
		APITimeout: 5 * time.Second,
		APIRetries: -1,
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func startServer(t *testing.T) *testserver.Server {
	t.Helper()
	if serverBin == "" {
		t.Skip("end-to-end test skipped under -short")
	}
	return testserver.Start(t, serverBin, "--auth-ip-burst", "1000", "--auth-user-burst", "1000", "--lockout-after", "0")
}

// trust probes the server (TOFU) and checks the fingerprint it printed.
func trust(t *testing.T, c *core.Core, s *testserver.Server) string {
	t.Helper()
	info, err := c.ProbeServer(context.Background(), s.URL)
	if err != nil {
		t.Fatalf("ProbeServer: %v", err)
	}
	if info.Fingerprint != s.Fingerprint || info.PublicTrusted {
		t.Fatalf("ProbeServer = %+v, want fingerprint %s, not public", info, s.Fingerprint)
	}
	return info.Fingerprint
}

func realRegister(t *testing.T, c *core.Core, s *testserver.Server, user, pw string) string {
	t.Helper()
	pin := trust(t, c, s)
	rk, err := c.Register(context.Background(), core.RegisterInput{ServerURL: s.URL, Pin: pin, Username: user, Password: []byte(pw)})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	return rk
}

func realLogin(t *testing.T, c *core.Core, s *testserver.Server, user, pw string) {
	t.Helper()
	if err := c.Login(context.Background(), core.LoginInput{ServerURL: s.URL, Pin: s.Fingerprint, Username: user, Password: []byte(pw)}); err != nil {
		t.Fatalf("Login: %v", err)
	}
}

func TestE2EThreeDevicesServerDown(t *testing.T) {
	s := startServer(t)
	devs := []*core.Core{realDevice(t, t.TempDir()), realDevice(t, t.TempDir()), realDevice(t, t.TempDir())}
	realRegister(t, devs[0], s, "multi", "pw")
	realLogin(t, devs[1], s, "multi", "pw")
	realLogin(t, devs[2], s, "multi", "pw")

	s.Kill()
	for i, d := range devs {
		for j := range 4 {
			create(t, d, fmt.Sprintf("dev%d-%d", i, j), fmt.Sprintf("offline body %d/%d", i, j))
		}
		if _, err := d.Sync(context.Background()); !errors.Is(err, core.ErrOffline) {
			t.Fatalf("device %d Sync with server down = %v, want ErrOffline", i, err)
		}
	}
	s.Restart()
	for range 2 {
		for _, d := range devs {
			mustSync(t, d)
		}
	}
	want := bodies(t, devs[0])
	if len(want) != 12 {
		t.Fatalf("device 0 has %d notes, want 12", len(want))
	}
	for i, d := range devs[1:] {
		if got := bodies(t, d); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("device %d = %v, want %v", i+1, got, want)
		}
	}
}

func TestE2EConcurrentEdits(t *testing.T) {
	s := startServer(t)
	a := realDevice(t, t.TempDir())
	realRegister(t, a, s, "editor", "pw")
	base := "alpha\nbravo\ncharlie\ndelta\necho\n"
	id1 := create(t, a, "disjoint", base)
	id2 := create(t, a, "overlap", base)
	mustSync(t, a)
	b := realDevice(t, t.TempDir())
	realLogin(t, b, s, "editor", "pw")

	edit(t, a, id1, func(n *note.Note) { n.Body = strings.Replace(n.Body, "alpha", "ALPHA", 1) })
	edit(t, b, id1, func(n *note.Note) { n.Body = strings.Replace(n.Body, "echo", "ECHO", 1) })
	edit(t, a, id2, func(n *note.Note) { n.Body = strings.Replace(n.Body, "charlie", "charlie-a", 1) })
	edit(t, b, id2, func(n *note.Note) { n.Body = strings.Replace(n.Body, "charlie", "charlie-b", 1) })
	mustSync(t, a)
	rep := mustSync(t, b)
	mustSync(t, a)
	if rep.Merged != 1 || rep.Conflicts != 1 {
		t.Errorf("b report = %+v, want 1 merged and 1 conflict", rep)
	}
	for name, d := range map[string]*core.Core{"a": a, "b": b} {
		n, _ := d.Get(id1)
		if n.Body != "ALPHA\nbravo\ncharlie\ndelta\nECHO\n" {
			t.Errorf("%s merged body = %q", name, n.Body)
		}
		cs := d.Conflicts()
		if len(cs) != 1 {
			t.Fatalf("%s conflicts = %v, want 1", name, cs)
		}
		cp, _ := d.Get(cs[0].ID)
		orig, _ := d.Get(id2)
		if !strings.Contains(cp.Body, "charlie-b") || !strings.Contains(orig.Body, "charlie-a") || cp.ConflictOf != id2 {
			t.Errorf("%s: original %q, copy %q (of %s)", name, orig.Body, cp.Body, cp.ConflictOf)
		}
	}
}

func TestE2EServerKilledMidSync(t *testing.T) {
	s := startServer(t)
	dir := t.TempDir()
	a := realDevice(t, dir)
	realRegister(t, a, s, "killer", "pw")
	const n = 2500
	for i := range n {
		create(t, a, fmt.Sprintf("note %04d", i), "body")
	}
	killed := make(chan struct{})
	cancel := a.Subscribe(func(e core.Event) {
		if e.Kind == core.EventStatusChanged && e.Status.State == core.StateSyncing && e.Status.Done > 0 {
			select {
			case <-killed:
			default:
				s.Kill()
				close(killed)
			}
		}
	})
	_, err := a.Sync(context.Background())
	if err == nil {
		t.Fatal("sync finished before the server could be killed")
	}
	select {
	case <-killed: // the subscriber may still be waiting for the process to exit
	case <-time.After(10 * time.Second):
		t.Fatalf("server not killed (sync error %v); server log:\n%s", err, s.Logs())
	}
	cancel()
	if !errors.Is(err, core.ErrOffline) {
		t.Fatalf("Sync with the server killed = %v, want ErrOffline", err)
	}
	if st := a.Status(); st.State != core.StateOffline {
		t.Errorf("status after the kill = %+v, want offline", st)
	} else {
		t.Logf("pending after the kill: %d of %d", st.Pending, n)
	}
	s.Restart()
	mustSync(t, a)
	if st := a.Status(); st.Pending != 0 {
		t.Fatalf("pending after resync = %d", st.Pending)
	}
	b := realDevice(t, t.TempDir())
	realLogin(t, b, s, "killer", "pw")
	if got := len(b.List()); got != n {
		t.Fatalf("second device sees %d notes, want %d (no loss, no duplicate)", got, n)
	}
}

func TestE2EKilledBeforePush(t *testing.T) {
	s := startServer(t)
	dir := t.TempDir()
	a := realDevice(t, dir)
	realRegister(t, a, s, "crash", "pw")
	create(t, a, "unsent", "only in the vault")
	a.Close()
	a = realDevice(t, dir)
	if err := a.Unlock([]byte("pw")); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)
	b := realDevice(t, t.TempDir())
	realLogin(t, b, s, "crash", "pw")
	if got := bodies(t, b); got["unsent"] != "only in the vault" {
		t.Fatalf("b = %v", got)
	}
}

func TestE2EClearErrors(t *testing.T) {
	s := startServer(t)
	a := realDevice(t, t.TempDir())
	realRegister(t, a, s, "errs", "pw")
	id := create(t, a, "keep", "me")
	mustSync(t, a)
	ctx := context.Background()

	t.Run("wrong password", func(t *testing.T) {
		b := realDevice(t, t.TempDir())
		err := b.Login(ctx, core.LoginInput{ServerURL: s.URL, Pin: s.Fingerprint, Username: "errs", Password: []byte("nope")})
		if !errors.Is(err, core.ErrWrongPassword) || core.Words(err) != "Wrong password." {
			t.Fatalf("Login(wrong) = %v (%q)", err, core.Words(err))
		}
		if b.HasAccount() {
			t.Error("a failed login stored an account")
		}
	})
	t.Run("revoked session", func(t *testing.T) {
		b := realDevice(t, t.TempDir())
		realLogin(t, b, s, "errs", "pw")
		ss, err := a.Sessions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ss {
			if !x.Current {
				if err := a.RevokeSession(ctx, x.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		_, err = b.Sync(ctx)
		if !errors.Is(err, core.ErrSessionExpired) {
			t.Fatalf("revoked Sync = %v, want ErrSessionExpired", err)
		}
		if n, err := b.Get(id); err != nil || n.Body != "me" {
			t.Errorf("vault not intact: %v, %v", n, err)
		}
	})
	t.Run("tampered and garbage answers", func(t *testing.T) {
		b := realDevice(t, t.TempDir())
		realLogin(t, b, s, "errs", "pw")
		edit(t, a, id, func(n *note.Note) { n.Body = "changed" })
		mustSync(t, a)
		for _, mode := range []string{"tamper", "garbage"} {
			px := tamperProxy(t, s, mode)
			bdir := t.TempDir()
			c := realDevice(t, bdir)
			err := c.Login(ctx, core.LoginInput{ServerURL: px.URL, Pin: px.pin, Username: "errs", Password: []byte("pw")})
			switch mode {
			case "tamper":
				if !errors.Is(err, core.ErrTampered) {
					t.Fatalf("%s: Login+sync = %v, want ErrTampered", mode, err)
				}
			case "garbage":
				if !errors.Is(err, core.ErrBadResponse) || !strings.Contains(core.Words(err), "doesn't understand") {
					t.Fatalf("%s: Login+sync = %v (%q), want a clear error", mode, err, core.Words(err))
				}
			}
			if len(c.List()) != 0 {
				t.Errorf("%s: notes were applied from a bad page: %v", mode, c.List())
			}
		}
	})
	t.Run("certificate changed", func(t *testing.T) {
		addr := s.Addr()
		s.Kill()
		other := testserver.StartOn(t, serverBin, addr)
		if other.Fingerprint == s.Fingerprint {
			t.Fatal("second server has the same certificate")
		}
		_, err := a.Sync(ctx)
		if !errors.Is(err, core.ErrCertificateChanged) {
			t.Fatalf("Sync against another certificate = %v, want ErrCertificateChanged", err)
		}
		if n, err := a.Get(id); err != nil || n.Body != "changed" {
			t.Errorf("vault not intact: %v, %v", n, err)
		}
		other.Kill()
		s.Restart()
	})
	t.Run("deleted account", func(t *testing.T) {
		b := realDevice(t, t.TempDir())
		realLogin(t, b, s, "errs", "pw")
		if err := a.DeleteAccount(ctx, []byte("pw")); err != nil {
			t.Fatal(err)
		}
		_, err := b.Sync(ctx)
		if !errors.Is(err, core.ErrSessionExpired) || !strings.Contains(core.Words(err), "Sign in again") {
			t.Fatalf("Sync of a deleted account = %v (%q)", err, core.Words(err))
		}
		if len(b.List()) != 1 {
			t.Errorf("vault not intact: %v", b.List())
		}
	})
}

type proxy struct {
	URL, pin string
}

// tamperProxy is a TLS reverse proxy to s that flips a byte of every note
// blob (mode "tamper") or answers the change feed with garbage.
func tamperProxy(t *testing.T, s *testserver.Server, mode string) proxy {
	target, _ := url.Parse(s.URL)
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport = &http.Transport{TLSClientConfig: &tls.Config{
		InsecureSkipVerify: true, // test proxy: verified by pin below
		VerifyConnection: func(cs tls.ConnectionState) error {
			sum := sha256.Sum256(cs.PeerCertificates[0].Raw)
			if "sha256:"+hex.EncodeToString(sum[:]) != s.Fingerprint {
				return errors.New("pin mismatch")
			}
			return nil
		}}}
	rp.ModifyResponse = func(r *http.Response) error {
		if r.Request.Method != http.MethodGet || r.Request.URL.Path != protocol.PathPrefix+"/notes" || r.StatusCode != 200 {
			return nil
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		r.Body.Close()
		if mode == "garbage" {
			body = []byte(`{"changes":[{"id":"garbage`)
		} else {
			var cr protocol.ChangesResponse
			if err := json.Unmarshal(body, &cr); err != nil {
				return err
			}
			for i := range cr.Changes {
				if len(cr.Changes[i].Blob) > 50 {
					cr.Changes[i].Blob[50] ^= 0x80
				}
			}
			body, _ = json.Marshal(cr)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Set("Content-Length", fmt.Sprint(len(body)))
		return nil
	}
	ts := httptest.NewTLSServer(rp)
	t.Cleanup(ts.Close)
	sum := sha256.Sum256(ts.Certificate().Raw)
	return proxy{URL: ts.URL, pin: "sha256:" + hex.EncodeToString(sum[:])}
}

func TestE2EPlaintextNeverStored(t *testing.T) {
	s := startServer(t)
	adir := t.TempDir()
	a := realDevice(t, adir)
	realRegister(t, a, s, "marker", "pw")
	marker := "PLAINTEXT-MARKER-7f3a9c"
	create(t, a, "title "+marker, "body "+marker+"\n")
	mustSync(t, a)
	b := realDevice(t, t.TempDir())
	realLogin(t, b, s, "marker", "pw")
	if got := bodies(t, b); got["title "+marker] != "body "+marker+"\n" {
		t.Fatalf("b = %v", got)
	}
	if err := a.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	s.Kill() // the server's WAL and logs are complete on disk
	files := append(s.Files(), a.VaultPath(), a.VaultPath()+"-wal")
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		checked++
		if bytes.Contains(data, []byte(marker)) {
			t.Errorf("%s contains the plaintext marker", f)
		}
	}
	if bytes.Contains(s.Logs(), []byte(marker)) {
		t.Error("server logs contain the plaintext marker")
	}
	if checked < 2 {
		t.Fatalf("only %d files checked: %v", checked, files)
	}
}

func TestE2EPasswordChange(t *testing.T) {
	s := startServer(t)
	a := realDevice(t, t.TempDir())
	rk := realRegister(t, a, s, "pwchange", "old")
	id := create(t, a, "t", "survives")
	mustSync(t, a)
	b := realDevice(t, t.TempDir())
	realLogin(t, b, s, "pwchange", "old")
	ctx := context.Background()
	if err := a.ChangePassword(ctx, []byte("old"), []byte("new")); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)
	if _, err := b.Sync(ctx); !errors.Is(err, core.ErrSessionExpired) {
		t.Fatalf("B Sync = %v, want ErrSessionExpired", err)
	}
	realLogin(t, b, s, "pwchange", "new")
	if n, err := b.Get(id); err != nil || n.Body != "survives" {
		t.Fatalf("B Get = %v, %v", n, err)
	}
	c := realDevice(t, t.TempDir())
	if err := c.Recover(ctx, core.RecoverInput{ServerURL: s.URL, Pin: s.Fingerprint, Username: "pwchange", RecoveryKey: rk, NewPassword: []byte("third")}); err != nil {
		t.Fatalf("Recover: %v", err)
	}
	if n, err := c.Get(id); err != nil || n.Body != "survives" {
		t.Fatalf("C Get = %v, %v", n, err)
	}
}

// TestE2ERepin replaces the real server's certificate (same accounts, new
// key pair) and re-pins: the edit made before the change reaches the
// server, and a second device signed in with the new pin reads it.
func TestE2ERepin(t *testing.T) {
	ctx := context.Background()
	s := startServer(t)
	a := realDevice(t, t.TempDir())
	realRegister(t, a, s, "repin", "pw")
	id := create(t, a, "before", "typed while the certificate changed")
	oldPin := s.Fingerprint

	s.NewCertificate()
	if s.Fingerprint == oldPin {
		t.Fatal("the restarted server kept its certificate")
	}
	if _, err := a.Sync(ctx); !errors.Is(err, core.ErrCertificateChanged) {
		t.Fatalf("Sync after the certificate changed = %v, want ErrCertificateChanged", err)
	}
	info, err := a.ProbeServer(ctx, a.Account().ServerURL)
	if err != nil || info.Fingerprint != s.Fingerprint {
		t.Fatalf("ProbeServer = %+v, %v, want fingerprint %s", info, err, s.Fingerprint)
	}
	if err := a.Repin(ctx, oldPin); !errors.Is(err, core.ErrCertificateChanged) {
		t.Fatalf("Repin(old pin) = %v, want ErrCertificateChanged", err)
	}
	if err := a.Repin(ctx, info.Fingerprint); err != nil {
		t.Fatalf("Repin: %v", err)
	}
	if got := a.Account().Fingerprint; got != s.Fingerprint {
		t.Fatalf("Account().Fingerprint = %s, want %s", got, s.Fingerprint)
	}
	mustSync(t, a) // the stored tokens still work: same session
	b := realDevice(t, t.TempDir())
	realLogin(t, b, s, "repin", "pw")
	if n, err := b.Get(id); err != nil || n.Body != "typed while the certificate changed" {
		t.Fatalf("second device reads %v, %v", n, err)
	}
}

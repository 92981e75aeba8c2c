package core_test

import (
	"context"
	"crypto/rand"
	"flag"
	"os"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/client/internal/testserver"
	"cipherleaf.dev/client/keystore"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
	"github.com/zalando/go-keyring"
)

const testURL = "https://cipherleaf.test"

// serverBin is the cipherleafd binary built once for the end-to-end tests
// ("" under -short).
var serverBin string

func TestMain(m *testing.M) {
	flag.Parse()
	keyring.MockInit()
	os.Exit(testserver.RunTests(m, &serverBin))
}

// tinyParams are fast, insecure KDF parameters for tests.
func tinyParams() (cryptobox.Params, error) {
	salt := make([]byte, cryptobox.SaltSize)
	rand.Read(salt)
	return cryptobox.Params{Time: 1, Memory: 8, Threads: 1, Salt: salt}, nil
}

// device opens a core on dir talking to srv.
func device(t testing.TB, srv *fakeremote.Server, dir string) *core.Core {
	t.Helper()
	return deviceWith(t, srv, dir, nil)
}

// deviceWith is device with its configuration changed by set first.
func deviceWith(t testing.TB, srv *fakeremote.Server, dir string, set func(*core.Config)) *core.Core {
	t.Helper()
	cfg := core.Config{
		ProfileDir: dir,
		Policy:     cryptobox.InsecureTestPolicy,
		NewParams:  tinyParams,
		Keyring:    keystore.OS{},
		DeviceName: "test",
		Dial:       func(rc core.RemoteConfig) (core.Remote, error) { return srv.Dial(rc), nil },
		Probe: func(ctx context.Context, url string) (string, bool, error) {
			return srv.Fingerprint, false, nil
		},
	}
	if set != nil {
		set(&cfg)
	}
	c, err := core.Open(cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func register(t testing.TB, c *core.Core, srv *fakeremote.Server, user, pw string) string {
	t.Helper()
	rk, err := c.Register(context.Background(), core.RegisterInput{ServerURL: testURL, Pin: srv.Fingerprint, Username: user, Password: []byte(pw)})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	return rk
}

func login(t testing.TB, c *core.Core, srv *fakeremote.Server, user, pw string) {
	t.Helper()
	if err := c.Login(context.Background(), core.LoginInput{ServerURL: testURL, Pin: srv.Fingerprint, Username: user, Password: []byte(pw)}); err != nil {
		t.Fatalf("Login: %v", err)
	}
}

func create(t testing.TB, c *core.Core, title, body string) string {
	t.Helper()
	id, err := c.Create(&note.Note{Title: title, Body: body})
	if err != nil {
		t.Fatalf("Create(%q): %v", title, err)
	}
	return id
}

func mustSync(t testing.TB, c *core.Core) core.SyncReport {
	t.Helper()
	rep, err := c.Sync(context.Background())
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	return rep
}

// bodies maps title → body of every note.
func bodies(t testing.TB, c *core.Core) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, ni := range c.List() {
		n, err := c.Get(ni.ID)
		if err != nil {
			t.Fatalf("Get(%s): %v", ni.ID, err)
		}
		out[n.Title] = n.Body
	}
	return out
}

// clock is an injectable time source that moves only when told.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

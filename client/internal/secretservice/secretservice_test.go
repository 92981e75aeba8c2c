package secretservice

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/testserver"
	"cipherleaf.dev/client/keystore"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/cryptobox"
)

// EnvSecretService is set by `make test` when it runs this package under
// dbus-run-session with an unlocked gnome-keyring-daemon.
const EnvSecretService = "CIPHERLEAF_TEST_SECRET_SERVICE"

var serverBin string

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(testserver.RunTests(m, &serverBin))
}

// jwtShaped matches an access token (a JWT: base64url JSON header "eyJ").
var jwtShaped = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+\.`)

func TestTokensInSecretService(t *testing.T) {
	if os.Getenv(EnvSecretService) != "1" {
		t.Skip("needs a Secret Service: run by `make test` under dbus-run-session (" + EnvSecretService + "=1)")
	}
	if serverBin == "" {
		t.Skip("end-to-end test skipped under -short")
	}
	srv := testserver.Start(t, serverBin)
	dir := t.TempDir()
	open := func() *core.Core {
		c, err := core.Open(core.Config{ProfileDir: dir, Policy: cryptobox.DefaultPolicy, DeviceName: "keyring",
			NewParams: func() (cryptobox.Params, error) {
				p, err := cryptobox.NewParams()
				p.Time, p.Memory, p.Threads = 2, 19456, 1
				return p, err
			},
			Keyring: keystore.OS{}, APITimeout: 5 * time.Second})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return c
	}
	ctx := context.Background()
	c := open()
	if _, err := c.ProbeServer(ctx, srv.URL); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Register(ctx, core.RegisterInput{ServerURL: srv.URL, Pin: srv.Fingerprint, Username: "kira", Password: []byte("correct horse")}); err != nil {
		t.Fatalf("Register: %v", err)
	}
	if in, why := c.TokenStorage(ctx); !in {
		t.Fatalf("TokenStorage = not in the keyring: %v (%s)", why, core.Words(why))
	}
	if err := c.RememberDevice(true); err != nil {
		t.Fatalf("RememberDevice: %v", err)
	}
	c.Close()

	// The tokens are in the Secret Service...
	v, err := vault.Open(ctx, filepath.Join(dir, vault.FileName))
	if err != nil {
		t.Fatal(err)
	}
	id, err := v.ProfileID(ctx)
	v.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err := keystore.OS{}.Get("cipherleaf", "tokens:"+id)
	if err != nil {
		t.Fatalf("keyring Get(tokens:%s) = %v", id, err)
	}
	var tok struct {
		Access  string `json:"access_token"`
		Refresh string `json:"refresh_token"`
	}
	if err := json.Unmarshal([]byte(s), &tok); err != nil || !jwtShaped.MatchString(tok.Access+".") || len(tok.Refresh) < 40 {
		t.Fatalf("keyring entry does not hold the tokens (%v)", err)
	}
	if _, err := (keystore.OS{}).Get("cipherleaf", "device:"+id); err != nil {
		t.Fatalf("device key not in the keyring: %v", err)
	}
	// ...and nothing token-shaped is in the vault file.
	files, _ := filepath.Glob(filepath.Join(dir, "vault.db*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if jwtShaped.Match(b) || bytes.Contains(b, []byte(tok.Access)) || bytes.Contains(b, []byte(tok.Refresh)) {
			t.Errorf("%s holds a token", filepath.Base(f))
		}
	}

	// They come back out: the reopened profile unlocks with the device key
	// and talks to the server with the keyring's tokens.
	c = open()
	defer c.Close()
	if err := c.UnlockWithDevice(); err != nil {
		t.Fatalf("UnlockWithDevice: %v", err)
	}
	if _, err := c.Sync(ctx); err != nil {
		t.Fatalf("Sync with the keyring's tokens: %v", err)
	}
	if _, err := c.Sessions(ctx); err != nil {
		t.Fatalf("Sessions: %v", err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := (keystore.OS{}).Get("cipherleaf", "tokens:"+id); err == nil {
		t.Error("tokens still in the keyring after logout")
	}
}

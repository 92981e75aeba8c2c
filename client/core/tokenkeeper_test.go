package core_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/client/keystore"
	"cipherleaf.dev/shared/cryptobox"
)

// mapKeyring is an in-memory keyring that can be switched off.
type mapKeyring struct {
	mu  sync.Mutex
	m   map[string]string
	off bool
}

var errNoDBus = errors.New("dbus: no session bus")

func (k *mapKeyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.off {
		return "", fmt.Errorf("read keyring: %w: %w", keystore.ErrUnavailable, errNoDBus)
	}
	s, ok := k.m[service+"/"+user]
	if !ok {
		return "", keystore.ErrNotFound
	}
	return s, nil
}

func (k *mapKeyring) Set(service, user, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.off {
		return fmt.Errorf("write keyring: %w: %w", keystore.ErrUnavailable, errNoDBus)
	}
	k.m[service+"/"+user] = secret
	return nil
}

func (k *mapKeyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.off {
		return fmt.Errorf("delete from keyring: %w: %w", keystore.ErrUnavailable, errNoDBus)
	}
	delete(k.m, service+"/"+user)
	return nil
}

// tokens returns the token entry of the only profile in k.
func (k *mapKeyring) tokens(t *testing.T) string {
	t.Helper()
	k.mu.Lock()
	defer k.mu.Unlock()
	for name, v := range k.m {
		if strings.HasPrefix(name, "cipherleaf/tokens:") {
			return v
		}
	}
	t.Fatal("no tokens in the keyring")
	return ""
}

func keyringDevice(t *testing.T, srv *fakeremote.Server, dir string, k keystore.Keyring) *core.Core {
	t.Helper()
	c, err := core.Open(core.Config{ProfileDir: dir, Policy: cryptobox.InsecureTestPolicy, NewParams: tinyParams,
		Keyring: k, DeviceName: "test", Dial: func(rc core.RemoteConfig) (core.Remote, error) { return srv.Dial(rc), nil }})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return c
}

// vaultBytes is every file of the profile's vault.
func vaultBytes(t *testing.T, dir string) []byte {
	t.Helper()
	var all []byte
	files, _ := filepath.Glob(filepath.Join(dir, "vault.db*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	if len(all) == 0 {
		t.Fatal("no vault files")
	}
	return all
}

func TestTokensInKeyring(t *testing.T) {
	srv := fakeremote.New()
	k := &mapKeyring{m: map[string]string{}}
	dir := t.TempDir()
	c := keyringDevice(t, srv, dir, k)
	register(t, c, srv, "kim", "pw")
	create(t, c, "a", "b")
	if _, err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	in, why := c.TokenStorage(context.Background())
	if !in || why != nil {
		t.Fatalf("TokenStorage = %v, %v, want in the keyring", in, why)
	}
	entry := k.tokens(t)
	var access, refresh string
	fmt.Sscanf(strings.NewReplacer(`{"access_token":"`, "", `","refresh_token":"`, " ", `"}`, "").Replace(entry), "%s %s", &access, &refresh)
	if access == "" || refresh == "" {
		t.Fatalf("keyring entry %q lacks the tokens", entry)
	}
	c.Close()
	if b := vaultBytes(t, dir); bytes.Contains(b, []byte(access)) || bytes.Contains(b, []byte(refresh)) {
		t.Fatal("a token is in the vault file")
	}
	// The tokens come back out of the keyring: a reopened profile syncs.
	c = keyringDevice(t, srv, dir, k)
	defer c.Close()
	if err := c.Unlock([]byte("pw")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(context.Background()); err != nil {
		t.Fatalf("Sync after reopening = %v", err)
	}
	// Logging out deletes the entry.
	if err := c.Logout(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(k.m) != 0 {
		t.Errorf("keyring after logout = %v, want empty", k.m)
	}
}

func TestTokensWithoutKeyring(t *testing.T) {
	srv := fakeremote.New()
	k := &mapKeyring{m: map[string]string{}, off: true}
	dir := t.TempDir()
	c := keyringDevice(t, srv, dir, k)
	register(t, c, srv, "kim", "pw")
	in, why := c.TokenStorage(context.Background())
	if in || !errors.Is(why, keystore.ErrUnavailable) {
		t.Fatalf("TokenStorage = %v, %v, want in the vault because of ErrUnavailable", in, why)
	}
	if w := core.Words(why); !strings.Contains(w, "No OS keyring") || !strings.Contains(w, "vault file") {
		t.Errorf("Words(why) = %q", w)
	}
	// "Remember this device" says why it can't.
	err := c.RememberDevice(true)
	if w := core.Words(err); !errors.Is(err, keystore.ErrUnavailable) || !strings.Contains(w, "can't be remembered") {
		t.Errorf("RememberDevice without a keyring = %v (%q)", err, w)
	}
	c.Close()
	c = keyringDevice(t, srv, dir, k)
	defer c.Close()
	if err := c.Unlock([]byte("pw")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(context.Background()); err != nil {
		t.Fatalf("Sync with tokens in the vault = %v", err)
	}
}

// vaultOnlyKeyring is a machine without a keyring: tokens stay in the vault
// file, where tests that inspect or alter them look.
type vaultOnlyKeyring struct{}

func (vaultOnlyKeyring) Get(string, string) (string, error) {
	return "", fmt.Errorf("read keyring: %w: %w", keystore.ErrUnavailable, errNoDBus)
}
func (vaultOnlyKeyring) Set(string, string, string) error {
	return fmt.Errorf("write keyring: %w: %w", keystore.ErrUnavailable, errNoDBus)
}
func (vaultOnlyKeyring) Delete(string, string) error { return nil }

// vaultTokensDevice is realDevice keeping its tokens in the vault file.
func vaultTokensDevice(t *testing.T, dir string) *core.Core {
	t.Helper()
	c, err := core.Open(core.Config{ProfileDir: dir, Policy: cryptobox.DefaultPolicy, NewParams: floorParams,
		DeviceName: "e2e", APITimeout: 5 * time.Second, APIRetries: -1, Keyring: vaultOnlyKeyring{}})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

package core_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/vault"
)

// storedTokens reads the tokens persisted in a closed profile's vault.
func storedTokens(t *testing.T, dir string) (access, refresh string) {
	t.Helper()
	v, err := vault.Open(context.Background(), filepath.Join(dir, vault.FileName))
	if err != nil {
		t.Fatalf("open vault: %v", err)
	}
	defer v.Close()
	a, err := v.Account(context.Background())
	if err != nil {
		t.Fatalf("read account: %v", err)
	}
	return a.AccessToken, a.RefreshToken
}

// expireAccessToken replaces a closed profile's access token with one the
// server refuses, as an expired one is: the next call gets 401 and refreshes.
func expireAccessToken(t *testing.T, dir string) {
	t.Helper()
	v, err := vault.Open(context.Background(), filepath.Join(dir, vault.FileName))
	if err != nil {
		t.Fatalf("open vault: %v", err)
	}
	defer v.Close()
	if err := v.UpdateAccount(context.Background(), func(a *vault.Account) error {
		a.AccessToken = "expired"
		return nil
	}); err != nil {
		t.Fatalf("expire token: %v", err)
	}
}

// syncWithin runs Sync and fails the test, with every goroutine's stack,
// if it does not return within d (the deadlock of issue 9 hung forever).
func syncWithin(t *testing.T, c *core.Core, d time.Duration) (core.SyncReport, error) {
	t.Helper()
	type result struct {
		rep core.SyncReport
		err error
	}
	done := make(chan result, 1)
	go func() {
		rep, err := c.Sync(context.Background())
		done <- result{rep, err}
	}()
	select {
	case r := <-done:
		return r.rep, r.err
	case <-time.After(d):
		buf := make([]byte, 1<<20)
		t.Fatalf("Sync did not return within %v:\n%s", d, buf[:runtime.Stack(buf, true)])
		return core.SyncReport{}, nil
	}
}

// TestE2EExpiredTokenDuringPull: the first page of a pull meets an expired
// access token, so the fetch refreshes it and the new pair is persisted
// while the pull runs. The sync finishes, the new refresh token is the one
// stored, and the next run of the device (a new Core on the same profile)
// signs in with it: the server never sees a spent refresh token.
func TestE2EExpiredTokenDuringPull(t *testing.T) {
	s := startServer(t)
	a := realDevice(t, t.TempDir())
	realRegister(t, a, s, "expiry", "pw")
	dirB := t.TempDir()
	b, err := core.Open(core.Config{ProfileDir: dirB, DeviceName: "b", APITimeout: 5 * time.Second, APIRetries: -1,
		Keyring: vaultOnlyKeyring{}}) // the test reads the tokens from the vault file
	if err != nil {
		t.Fatal(err)
	}
	realLogin(t, b, s, "expiry", "pw")
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		create(t, a, fmt.Sprintf("n%d", i), "body")
	}
	mustSync(t, a)

	_, before := storedTokens(t, dirB)
	expireAccessToken(t, dirB)
	b = vaultTokensDevice(t, dirB)
	if err := b.Unlock([]byte("pw")); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	rep, err := syncWithin(t, b, 30*time.Second)
	if err != nil {
		t.Fatalf("Sync with an expired access token: %v", err)
	}
	if rep.Pulled != 20 {
		t.Errorf("Sync pulled %d, want 20", rep.Pulled)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	_, after := storedTokens(t, dirB)
	if after == before || after == "" {
		t.Fatalf("refresh token after the refresh is the spent one (changed: %v)", after != before)
	}
	// The next run uses the stored pair: the session must still be alive.
	expireAccessToken(t, dirB)
	b = vaultTokensDevice(t, dirB)
	if err := b.Unlock([]byte("pw")); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	if _, err := syncWithin(t, b, 30*time.Second); err != nil {
		t.Fatalf("Sync of the next run: %v", err)
	}
	if _, err := b.Sessions(context.Background()); err != nil {
		t.Fatalf("Sessions of the next run: %v", err)
	}
}

// TestE2ESignInAgainKeepsPendingEdits: the server ends device B's session
// (revoked from device A) while B holds an edit not yet synced. B's sync
// says to sign in again; signing in to the same account keeps the vault
// and the edit, and the next sync delivers it. Logout then works although
// the server is gone.
func TestE2ESignInAgainKeepsPendingEdits(t *testing.T) {
	s := startServer(t)
	a := realDevice(t, t.TempDir())
	realRegister(t, a, s, "again", "pw")
	b := realDevice(t, t.TempDir())
	realLogin(t, b, s, "again", "pw")
	ss, err := a.Sessions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ss {
		if !x.Current {
			if err := a.RevokeSession(context.Background(), x.ID); err != nil {
				t.Fatalf("RevokeSession: %v", err)
			}
		}
	}
	create(t, b, "offline edit", "typed while signed out")
	if _, err := b.Sync(context.Background()); !errors.Is(err, core.ErrSessionExpired) {
		t.Fatalf("Sync of a revoked device = %v, want ErrSessionExpired", err)
	}
	if st := b.Status(); st.State != core.StateError || st.Pending != 1 {
		t.Fatalf("status after the revoked sync = %+v, want an error with 1 pending", st)
	}
	realLogin(t, b, s, "again", "pw") // signs in and syncs
	mustSync(t, a)
	if got := bodies(t, a)["offline edit"]; got != "typed while signed out" {
		t.Errorf("device A has %q for the edit made while signed out", got)
	}

	s.Kill()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := b.Logout(ctx); err != nil {
		t.Fatalf("Logout with the server down: %v", err)
	}
	if b.HasAccount() || len(b.List()) != 0 {
		t.Errorf("after Logout: account %v, %d notes", b.HasAccount(), len(b.List()))
	}
}

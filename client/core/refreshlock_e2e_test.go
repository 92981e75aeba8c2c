package core_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/testserver"
	"cipherleaf.dev/client/vault"
)

// watchTokens reads the refresh token stored in the vault of dir, which
// cores have open, through a connection of its own.
func watchTokens(t *testing.T, dir string) func() string {
	t.Helper()
	v, err := vault.Open(context.Background(), filepath.Join(dir, vault.FileName))
	if err != nil {
		t.Fatalf("open vault: %v", err)
	}
	t.Cleanup(func() { v.Close() })
	return func() string {
		a, err := v.Account(context.Background())
		if err != nil {
			t.Fatalf("read account: %v", err)
		}
		return a.RefreshToken
	}
}

// twoProcesses signs in on one profile folder and opens it twice (the
// app and cipherleaf-cli), both unlocked, against a server whose access
// tokens live one second.
func twoProcesses(t *testing.T) (a, b *core.Core, dir string, s *testserver.Server) {
	t.Helper()
	if serverBin == "" {
		t.Skip("end-to-end test skipped under -short")
	}
	s = testserver.Start(t, serverBin, "--access-ttl", "1s", "--auth-ip-burst", "100000", "--auth-user-burst", "100000",
		"--lockout-after", "0", "--auth-inflight-per-ip", "0")
	dir = t.TempDir()
	a = vaultTokensDevice(t, dir) // the test reads the tokens from the vault file
	realRegister(t, a, s, "twoproc", "pw")
	b = vaultTokensDevice(t, dir)
	if err := b.Unlock([]byte("pw")); err != nil {
		t.Fatalf("Unlock the second process: %v", err)
	}
	return a, b, dir, s
}

// TestE2ERefreshAdoptsOtherProcessTokens: the CLI (b) refreshes the
// session both processes share; the app (a), whose access token expired
// too, adopts the pair b stored instead of spending the refresh token b
// already spent, which would make the server revoke the session (§7.1).
func TestE2ERefreshAdoptsOtherProcessTokens(t *testing.T) {
	a, b, dir, s := twoProcesses(t)
	stored := watchTokens(t, dir)
	first := stored()
	if first == "" {
		t.Fatal("no refresh token stored after sign-in")
	}
	// b syncs until its access token has expired and it refreshed.
	deadline := time.Now().Add(20 * time.Second)
	for stored() == first {
		if time.Now().After(deadline) {
			t.Fatal("b did not refresh its tokens within 20 s")
		}
		if _, err := syncWithin(t, b, 30*time.Second); err != nil {
			t.Fatalf("b's sync: %v", err)
		}
	}
	second := stored()
	// a still holds the first pair, whose access token has expired.
	if _, err := syncWithin(t, a, 30*time.Second); err != nil {
		t.Fatalf("a's sync after b refreshed: %v\nserver log:\n%s", err, s.Logs())
	}
	if got := stored(); got != second {
		t.Errorf("a's sync stored another refresh token: it traded instead of adopting b's pair")
	}
	for name, c := range map[string]*core.Core{"a": a, "b": b} {
		if _, err := c.Sessions(context.Background()); err != nil {
			t.Errorf("%s: Sessions after both refreshed: %v\nserver log:\n%s", name, err, s.Logs())
		}
	}
}

// TestE2ERefreshAtOnce: both processes call the server at the same moments,
// so their access tokens expire together and both refresh at once, again
// and again. Each refresh token is spent once: every call succeeds and the
// session stays valid.
func TestE2ERefreshAtOnce(t *testing.T) {
	a, b, dir, s := twoProcesses(t)
	stored := watchTokens(t, dir)
	seen := map[string]bool{stored(): true}
	deadline := time.Now().Add(60 * time.Second)
	pace := time.NewTicker(50 * time.Millisecond)
	defer pace.Stop()
	for len(seen) < 4 { // three refreshes
		if time.Now().After(deadline) {
			t.Fatalf("only %d refreshes within 60 s", len(seen)-1)
		}
		<-pace.C
		var wg sync.WaitGroup
		errs := make([]error, 2)
		start := make(chan struct{})
		for i, c := range []*core.Core{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				_, errs[i] = c.Sessions(ctx)
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("process %d: Sessions after %d refreshes: %v\nserver log:\n%s", i, len(seen)-1, err, s.Logs())
			}
		}
		seen[stored()] = true
	}
}

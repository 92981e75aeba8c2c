package core_test

import (
	"context"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fakeremote"
)

// TestLogoutDuringAutoSync: Logout and DeleteAccount stop a running
// auto-sync before they replace the vault (run with -race).
func TestLogoutDuringAutoSync(t *testing.T) {
	srv := fakeremote.New()
	a := device(t, srv, t.TempDir())
	register(t, a, srv, "mona", "pw")
	synced := make(chan struct{}, 1)
	defer a.Subscribe(func(e core.Event) {
		if e.Kind == core.EventStatusChanged && e.Status.State == core.StateSynced {
			select {
			case synced <- struct{}{}:
			default:
			}
		}
	})()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	a.StartAutoSync(ctx, time.Millisecond)
	// waitPushed waits for auto-syncs until the server holds n notes.
	waitPushed := func(n int) {
		t.Helper()
		for srv.Count("mona") < n {
			select {
			case <-synced:
			case <-time.After(10 * time.Second):
				t.Fatalf("auto-sync never pushed note %d", n)
			}
		}
	}
	for i := range 30 {
		create(t, a, "note", "body")
		waitPushed(i + 1)
		if err := a.Logout(ctx); err != nil {
			t.Fatalf("Logout #%d: %v", i, err)
		}
		if a.HasAccount() || !a.Locked() || len(a.List()) != 0 {
			t.Fatalf("after Logout #%d: account %v, locked %v, %d notes", i, a.HasAccount(), a.Locked(), len(a.List()))
		}
		login(t, a, srv, "mona", "pw")
	}
	if n := len(a.List()); n != 30 {
		t.Errorf("after signing in again: %d notes, want 30", n)
	}
	// The auto-sync loop outlives a logout and syncs the next account.
	create(t, a, "last", "body")
	waitPushed(31)
	if err := a.DeleteAccount(ctx, []byte("pw")); err != nil {
		t.Fatalf("DeleteAccount during auto-sync: %v", err)
	}
	if a.HasAccount() {
		t.Error("HasAccount after DeleteAccount")
	}
}

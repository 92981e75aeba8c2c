package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"cipherleaf.dev/server"
)

// testClock is a settable clock for the server's store.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestSessionCacheRevocation: a cached session stops working as soon as
// it is revoked in this process, and within epochCheckEvery when another
// process on the same database revokes it.
func TestSessionCacheRevocation(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db.sqlite")
	clk := &testClock{t: time.Now()}
	srv, err := Open(ctx, path, Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	admin, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	u, sess := newUser(t, srv, "alice")
	extra := func(id string) string {
		if err := srv.CreateSession(ctx, &server.Session{ID: id, UserID: u.ID, RefreshHash: hash(id)}); err != nil {
			t.Fatal(err)
		}
		if _, err := srv.SessionAuth(ctx, id); err != nil { // now cached
			t.Fatal(err)
		}
		return id
	}
	tests := []struct {
		name   string
		revoke func(sid string) error
	}{
		{"delete session", func(sid string) error { return srv.DeleteSession(ctx, u.ID, sid) }},
		{"delete others", func(string) error { _, err := srv.DeleteOtherSessions(ctx, u.ID, sess.ID); return err }},
		{"password change", func(string) error {
			_, err := srv.UpdateKeys(ctx, u.ID, server.KeyUpdate{AuthHash: []byte("x")}, true, sess.ID, nil)
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sid := extra("s-" + tc.name)
			if err := tc.revoke(sid); err != nil {
				t.Fatal(err)
			}
			// The clock has not moved: this process's revocations are
			// seen at once.
			if _, err := srv.SessionAuth(ctx, sid); !errors.Is(err, server.ErrNotFound) {
				t.Errorf("SessionAuth after %s = %v, want server.ErrNotFound", tc.name, err)
			}
		})
	}
	// disabled reports whether sid's user reads as disabled
	// (a disabled user's sessions are ended too, so ErrNotFound counts).
	disabled := func(sid string) bool {
		a, err := srv.SessionAuth(ctx, sid)
		if errors.Is(err, server.ErrNotFound) {
			return true
		}
		if err != nil {
			t.Fatal(err)
		}
		return a.Disabled
	}
	for _, tc := range []struct {
		name   string
		revoke func() error
	}{
		{"disabled by another process", func() error { return admin.SetDisabled(ctx, "alice", true) }},
		{"deleted by another process", func() error { return admin.DeleteUserByName(ctx, "alice") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := admin.SetDisabled(ctx, "alice", false); err != nil {
				t.Fatal(err)
			}
			clk.add(epochCheckEvery) // the re-enable is seen
			sid := extra("s-" + tc.name)
			if err := tc.revoke(); err != nil {
				t.Fatal(err)
			}
			// Within epochCheckEvery the cached answer may still be given
			// (no stat per request); once it has passed, never.
			clk.add(epochCheckEvery - time.Millisecond)
			before := disabled(sid)
			clk.add(time.Millisecond)
			if !disabled(sid) {
				t.Errorf("SessionAuth %v after %s: still valid", epochCheckEvery, tc.name)
			}
			t.Logf("seen before %v had passed: %v", epochCheckEvery, before)
		})
	}
	t.Run("epoch read at most once per interval", func(t *testing.T) {
		u2, s2 := newUser(t, srv, "bob")
		srv.SessionAuth(ctx, s2.ID)
		// Delete behind the cache's back, straight in SQL, with no epoch
		// bump: only the cache can still answer.
		if _, err := admin.w.Exec(`DELETE FROM sessions WHERE id = ?`, s2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := srv.SessionAuth(ctx, s2.ID); err != nil {
			t.Fatalf("SessionAuth within the interval = %v, want the cached answer", err)
		}
		// The epoch file gone: noticed at the next check, and from then
		// on the cache is off.
		os.Remove(path + "-auth-epoch")
		clk.add(epochCheckEvery)
		if _, err := srv.SessionAuth(ctx, s2.ID); !errors.Is(err, server.ErrNotFound) {
			t.Errorf("SessionAuth without epoch file = %v, want server.ErrNotFound (cache must be off)", err)
		}
		s3 := &server.Session{ID: "s-bob-2", UserID: u2.ID, RefreshHash: hash("s-bob-2")}
		if err := srv.CreateSession(ctx, s3); err != nil {
			t.Fatal(err)
		}
		srv.SessionAuth(ctx, s3.ID)
		if _, err := admin.w.Exec(`DELETE FROM sessions WHERE id = ?`, s3.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := srv.SessionAuth(ctx, s3.ID); !errors.Is(err, server.ErrNotFound) {
			t.Errorf("SessionAuth without epoch file, same instant = %v, want server.ErrNotFound (cache must be off)", err)
		}
	})
}

package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestSessionCacheRevocation: a cached session stops working as soon as
// it is revoked, in this process or by another one on the same database.
func TestSessionCacheRevocation(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db.sqlite")
	server, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	admin, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	u, sess := newUser(t, server, "alice")
	extra := func(id string) string {
		if err := server.CreateSession(ctx, &Session{ID: id, UserID: u.ID, RefreshHash: hash(id)}); err != nil {
			t.Fatal(err)
		}
		if _, err := server.SessionAuth(ctx, id); err != nil { // now cached
			t.Fatal(err)
		}
		return id
	}
	tests := []struct {
		name   string
		revoke func(sid string) error
	}{
		{"delete session", func(sid string) error { return server.DeleteSession(ctx, u.ID, sid) }},
		{"delete others", func(string) error { _, err := server.DeleteOtherSessions(ctx, u.ID, sess.ID); return err }},
		{"password change", func(string) error {
			_, err := server.UpdateKeys(ctx, u.ID, KeyUpdate{AuthHash: []byte("x")}, true, sess.ID, nil)
			return err
		}},
		{"disabled by another process", func(string) error { return admin.SetDisabled(ctx, "alice", true) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sid := extra("s-" + tc.name)
			if err := tc.revoke(sid); err != nil {
				t.Fatal(err)
			}
			if _, err := server.SessionAuth(ctx, sid); !errors.Is(err, ErrNotFound) {
				t.Errorf("SessionAuth after %s = %v, want ErrNotFound", tc.name, err)
			}
		})
	}
	t.Run("deleted by another process", func(t *testing.T) {
		admin.SetDisabled(ctx, "alice", false)
		sid := extra("s-last")
		if err := admin.DeleteUserByName(ctx, "alice"); err != nil {
			t.Fatal(err)
		}
		if _, err := server.SessionAuth(ctx, sid); !errors.Is(err, ErrNotFound) {
			t.Errorf("SessionAuth after delete by admin = %v, want ErrNotFound", err)
		}
	})
	t.Run("epoch file gone: no caching", func(t *testing.T) {
		u2, s2 := newUser(t, server, "bob")
		server.SessionAuth(ctx, s2.ID)
		os.Remove(path + "-auth-epoch")
		// Delete behind the cache's back, straight in SQL.
		if _, err := admin.w.Exec(`DELETE FROM sessions WHERE user_id = ?`, u2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := server.SessionAuth(ctx, s2.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("SessionAuth without epoch file = %v, want ErrNotFound (cache must be off)", err)
		}
	})
}

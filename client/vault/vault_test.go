package vault

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

func openTemp(t testing.TB) (*Vault, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), FileName)
	v, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v, path
}

func TestOpenTwiceKeepsProfile(t *testing.T) {
	v, path := openTemp(t)
	ctx := context.Background()
	id1, err := v.ProfileID(ctx)
	if err != nil || len(id1) != 36 {
		t.Fatalf("ProfileID = %q, %v", id1, err)
	}
	v.Close()
	v2, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer v2.Close()
	if id2, _ := v2.ProfileID(ctx); id2 != id1 {
		t.Errorf("ProfileID after reopen = %q, want %q", id2, id1)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", st.Mode().Perm())
	}
	var ver int
	v2.db.QueryRow("PRAGMA user_version").Scan(&ver)
	var fk int
	v2.db.QueryRow("PRAGMA foreign_keys").Scan(&fk)
	var jm string
	v2.db.QueryRow("PRAGMA journal_mode").Scan(&jm)
	if ver != 3 || fk != 1 || jm != "wal" {
		t.Errorf("user_version=%d foreign_keys=%d journal_mode=%s, want 3 1 wal", ver, fk, jm)
	}
	var ps, ac int
	v2.db.QueryRow("PRAGMA page_size").Scan(&ps)
	v2.db.QueryRow("PRAGMA wal_autocheckpoint").Scan(&ac)
	if ps != pageSize || ac != autoCheckpointBytes/pageSize {
		t.Errorf("page_size=%d wal_autocheckpoint=%d, want %d %d", ps, ac, pageSize, autoCheckpointBytes/pageSize)
	}
}

func TestAccountRoundTrip(t *testing.T) {
	v, _ := openTemp(t)
	ctx := context.Background()
	if _, err := v.Account(ctx); !errors.Is(err, ErrNoAccount) {
		t.Fatalf("Account on empty vault = %v, want ErrNoAccount", err)
	}
	a := Account{ServerURL: "https://x", Pin: "sha256:ab", Username: "u", UserID: "id", SessionID: "s",
		KDF:        protocol.KDF{Alg: "argon2id", Version: 19, Time: 2, Memory: 19456, Threads: 1, Salt: make([]byte, 16)},
		WrappedKey: []byte{1, 2, 3}, AccessToken: "at", RefreshToken: "rt"}
	if err := v.Update(ctx, func(tx *Tx) error { return tx.PutAccount(a) }); err != nil {
		t.Fatal(err)
	}
	got, err := v.Account(ctx)
	if err != nil || got.Username != "u" || !bytes.Equal(got.WrappedKey, a.WrappedKey) || got.KDF.Memory != 19456 || got.DeviceWrappedKey != nil {
		t.Fatalf("Account = %+v, %v", got, err)
	}
}

func TestQueueVersions(t *testing.T) {
	v, _ := openTemp(t)
	ctx := context.Background()
	id := "11111111-1111-4111-8111-111111111111"
	tests := []struct {
		name string
		do   func(tx *Tx) error
		op   Op
		ver  int64
	}{
		{"first write queues a put", func(tx *Tx) error {
			if err := tx.PutNote(Note{ID: id, Rev: 1, Envelope: []byte("e1"), Gen: 1}); err != nil {
				return err
			}
			return tx.Queue(id, OpPut)
		}, OpPut, 1},
		{"second write bumps the version", func(tx *Tx) error { return tx.Queue(id, OpPut) }, OpPut, 2},
		{"stale dequeue keeps it", func(tx *Tx) error {
			ok, err := tx.Dequeue(id, 1)
			if ok {
				return errors.New("dequeued a stale version")
			}
			return err
		}, OpPut, 2},
		{"delete replaces the op", func(tx *Tx) error { return tx.Queue(id, OpDelete) }, OpDelete, 3},
		{"current dequeue clears it", func(tx *Tx) error {
			ok, err := tx.Dequeue(id, 3)
			if !ok {
				return errors.New("current version not dequeued")
			}
			return err
		}, OpNone, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := v.Update(ctx, tc.do); err != nil {
				t.Fatal(err)
			}
			var n Note
			v.View(ctx, func(tx *Tx) error { var err error; n, err = tx.Note(id); return err })
			if n.Op != tc.op || n.Version != tc.ver {
				t.Errorf("op %q version %d, want %q %d", n.Op, n.Version, tc.op, tc.ver)
			}
		})
	}
}

func TestUpdateRollsBackAndHooksOnlyOnCommit(t *testing.T) {
	v, _ := openTemp(t)
	ctx := context.Background()
	ran := false
	boom := errors.New("boom")
	err := v.Update(ctx, func(tx *Tx) error {
		tx.AfterCommit(func() { ran = true })
		if err := tx.SetCursor(42); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || ran {
		t.Fatalf("Update = %v, hook ran %v", err, ran)
	}
	var c uint64
	v.View(ctx, func(tx *Tx) error { c, _ = tx.Cursor(); return nil })
	if c != 0 {
		t.Errorf("cursor = %d after rollback, want 0", c)
	}
	v.Update(ctx, func(tx *Tx) error { tx.AfterCommit(func() { ran = true }); return tx.SetCursor(7) })
	if !ran {
		t.Error("hook did not run after commit")
	}
}

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id, err := NewID()
		if err != nil || !protocol.ValidID(id) || id[14] != '4' || seen[id] {
			t.Fatalf("NewID = %q, %v", id, err)
		}
		seen[id] = true
	}
}

func TestServerNotesMemoryAndDeviceID(t *testing.T) {
	v, path := openTemp(t)
	ctx := context.Background()
	var dev string
	n := ServerNote{ID: "11111111-1111-4111-8111-111111111111", Rev: 3, BlobHash: [32]byte{1, 2, 3}}
	err := v.Update(ctx, func(tx *Tx) error {
		var err error
		if dev, err = tx.DeviceID(); err != nil {
			return err
		}
		if m, err := tx.ManifestMemory(); err != nil || m != nil {
			t.Errorf("ManifestMemory of a new vault = %q, %v; want nil", m, err)
		}
		if err := tx.PutServerNote(n); err != nil {
			return err
		}
		n.Rev, n.Deleted = 4, true
		if err := tx.PutServerNote(n); err != nil {
			return err
		}
		return tx.SetManifestMemory([]byte(`{"x":1}`))
	})
	if err != nil || len(dev) != 36 {
		t.Fatalf("Update: %v, device id %q", err, dev)
	}
	v.Close()
	v2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer v2.Close()
	v2.View(ctx, func(tx *Tx) error {
		got, err := tx.ServerNotes()
		if err != nil || len(got) != 1 || got[0] != n {
			t.Errorf("ServerNotes = %+v, %v; want [%+v]", got, err, n)
		}
		if d, _ := tx.DeviceID(); d != dev {
			t.Errorf("DeviceID after reopen = %q, want %q", d, dev)
		}
		if m, _ := tx.ManifestMemory(); string(m) != `{"x":1}` {
			t.Errorf("ManifestMemory = %q", m)
		}
		return nil
	})
}

// TestMigration2ResetsCursor: a version 1 vault reads the feed again to
// build the server view.
func TestMigration2ResetsCursor(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	ctx := context.Background()
	db := oldVault(t, path, 1)
	if _, err := db.Exec(`INSERT INTO meta (key, value) VALUES ('cursor', CAST('42' AS BLOB))`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	v, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("migrate a version 1 vault: %v", err)
	}
	defer v.Close()
	v.View(ctx, func(tx *Tx) error {
		if c, _ := tx.Cursor(); c != 0 {
			t.Errorf("cursor after migration 2 = %d, want 0", c)
		}
		if _, err := tx.ServerNotes(); err != nil {
			t.Errorf("ServerNotes: %v", err)
		}
		return nil
	})
}

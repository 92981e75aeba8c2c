package copydb

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/store/postgres"
	"cipherleaf.dev/server/store/postgres/pgtest"
	"cipherleaf.dev/server/store/sqlite"
	"cipherleaf.dev/shared/protocol"
)

var cluster *pgtest.Cluster

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &cluster)) }

func newUser(t *testing.T, s server.Store, name string, i int) *server.User {
	t.Helper()
	u := &server.User{UID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Username: name,
		AuthHash: []byte("h" + name), RecoveryHash: []byte("r"),
		KDF:        protocol.KDF{Alg: "argon2id", Version: 19, Time: 3, Memory: 65536, Threads: 4, Salt: make([]byte, 16)},
		WrappedKey: []byte("wk"), RecoveryWrappedKey: []byte("rwk")}
	sess := &server.Session{ID: "sess-" + name, DeviceName: "dev", RefreshHash: []byte("rt-" + name)}
	if err := s.CreateUser(context.Background(), u, sess); err != nil {
		t.Fatal(err)
	}
	return u
}

// fill writes one of everything a server keeps.
func fill(t *testing.T, s server.Store) (*server.User, *server.User) {
	t.Helper()
	ctx := context.Background()
	a, b := newUser(t, s, "alice", 1), newUser(t, s, "bob", 2)
	for i := range 30 {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		if _, _, err := s.WriteNote(ctx, a.ID, 0, &server.Write{ID: id, Blob: bytes.Repeat([]byte{byte(i)}, 100+i)}); err != nil {
			t.Fatal(err)
		}
	}
	ids := []string{"00000000-0000-4000-8000-000000000000", "00000000-0000-4000-8000-000000000001"}
	must := func(_, _ uint64, err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.WriteNote(ctx, a.ID, 0, &server.Write{ID: ids[0], BaseRev: 1, Blob: []byte("second")}))
	must(s.WriteNote(ctx, a.ID, 0, &server.Write{ID: ids[1], BaseRev: 1, Delete: true}))
	must(s.WriteNote(ctx, b.ID, 0, &server.Write{ID: ids[0], Blob: []byte{}})) // empty, not a tombstone
	if _, err := s.PutManifest(ctx, a.ID, 0, []byte{server.DigestLiveOnly, 1, 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateKeys(ctx, a.ID, server.KeyUpdate{AddSuccessor: []byte("succ"), BaseGeneration: 1, Generation: 2}, false, "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RotateRefresh(ctx, []byte("rt-alice"), []byte("rt2-alice")); err != nil {
		t.Fatal(err)
	}
	if err := s.SetTwoFactorPending(ctx, b.ID, []byte("sealed")); err != nil {
		t.Fatal(err)
	}
	if err := s.ConfirmTwoFactor(ctx, b.ID, []byte("sealed"), 7, [][]byte{[]byte("c1"), []byte("c2")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.DeclareAttachment(ctx, a.ID, a.UID, "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", 1234, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.CompleteAttachment(ctx, a.UID, "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"); err != nil {
		t.Fatal(err)
	}
	return a, b
}

func TestCopy(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cipherleaf.db")
	src, err := sqlite.Open(ctx, path, sqlite.Options{HistoryRevisions: 10})
	if err != nil {
		t.Fatal(err)
	}
	a, b := fill(t, src)
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dsn, err := cluster.NewDatabase(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dst, err := postgres.Open(ctx, dsn, postgres.Options{HistoryRevisions: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()

	rep, err := Copy(ctx, db, dst.Pool())
	if err != nil {
		t.Fatalf("Copy: %v", err)
	}
	want := map[string]int64{"users": 2, "sessions": 2, "spent_refresh": 1, "notes": 31, "successors": 1, "two_factor": 1, "recovery_codes": 2, "attachments": 1, "note_history": 2}
	for _, r := range rep {
		if r.Rows != want[r.Table] {
			t.Errorf("copied %d rows of %s, want %d", r.Rows, r.Table, want[r.Table])
		}
	}
	if len(rep) != len(want) {
		t.Errorf("report has %d tables, want %d", len(rep), len(want))
	}

	// The PostgreSQL store serves the same state.
	srcAgain, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srcAgain.Close()
	for _, u := range []*server.User{a, b} {
		p1, err1 := srcAgain.Changes(ctx, u.ID, 0, 1000, 1<<30)
		var got []protocol.Change
		_, err2 := dst.StreamChanges(ctx, u.ID, 0, 1000, 1<<30, func(c *protocol.Change) error {
			cc := *c
			if c.Blob != nil {
				cc.Blob = append([]byte{}, c.Blob...)
			}
			got = append(got, cc)
			return nil
		})
		if err1 != nil || err2 != nil || len(got) != len(p1.Changes) {
			t.Fatalf("changes of %s: sqlite %d (%v), postgres %d (%v)", u.Username, len(p1.Changes), err1, len(got), err2)
		}
		for i := range got {
			w := p1.Changes[i]
			if got[i].ID != w.ID || got[i].Rev != w.Rev || got[i].Seq != w.Seq || got[i].Deleted != w.Deleted || !bytes.Equal(got[i].Blob, w.Blob) {
				t.Fatalf("change %d of %s = %+v, want %+v", i, u.Username, got[i], w)
			}
		}
	}
	if sa, err := dst.SessionAuth(ctx, "sess-bob"); err != nil || sa.UserID != b.ID {
		t.Errorf("SessionAuth(sess-bob) on the copy = %+v, %v", sa, err)
	}
	if _, err := dst.RotateRefresh(ctx, []byte("rt-alice"), []byte("x")); !errors.Is(err, server.ErrRefreshReused) {
		t.Errorf("spent refresh token on the copy = %v, want ErrRefreshReused", err)
	}
	if tf, err := dst.TwoFactor(ctx, b.ID); err != nil || !tf.Enabled() || tf.CodesLeft != 2 || tf.LastStep != 7 {
		t.Errorf("TwoFactor on the copy = %+v, %v", tf, err)
	}
	c := newUser(t, dst, "carol", 3)
	if c.ID <= b.ID {
		t.Errorf("new user id %d after the copy, want > %d (identity advanced)", c.ID, b.ID)
	}

	t.Run("refuses a non-empty target", func(t *testing.T) {
		if _, err := Copy(ctx, db, dst.Pool()); !errors.Is(err, ErrNotEmpty) {
			t.Errorf("Copy into a used database = %v, want ErrNotEmpty", err)
		}
	})
	t.Run("verify catches a changed blob", func(t *testing.T) {
		dsn2, err := cluster.NewDatabase(ctx)
		if err != nil {
			t.Fatal(err)
		}
		dst2, err := postgres.Open(ctx, dsn2, postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer dst2.Close()
		if _, err := Copy(ctx, db, dst2.Pool()); err != nil {
			t.Fatal(err)
		}
		if _, err := dst2.Pool().Exec(ctx, `UPDATE notes SET blob = $1 WHERE user_id = $2 AND id = $3`, []byte("tampered"), a.ID, "00000000-0000-4000-8000-000000000005"); err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(ctx, db, dst2.Pool()); err == nil || !strings.Contains(err.Error(), "verify notes") {
			t.Errorf("Verify after changing one note blob = %v, want a notes difference", err)
		}
	})
}

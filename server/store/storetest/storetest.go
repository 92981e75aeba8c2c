package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

func hash(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

func newUser(t testing.TB, s server.Store, name string) (*server.User, *server.Session) {
	t.Helper()
	u := &server.User{
		UID: fmt.Sprintf("00000000-0000-4000-8000-%012x", len(name)*7919+int(name[0])), Username: name,
		AuthHash: []byte("h"), RecoveryHash: []byte("r"),
		KDF:        protocol.KDF{Alg: "argon2id", Version: 19, Time: 3, Memory: 65536, Threads: 4, Salt: make([]byte, 16)},
		WrappedKey: []byte("wk"), RecoveryWrappedKey: []byte("rwk"),
	}
	sess := &server.Session{ID: "sess-" + name, DeviceName: "dev", RefreshHash: hash("rt-" + name)}
	if err := s.CreateUser(context.Background(), u, sess); err != nil {
		t.Fatalf("CreateUser(%q): %v", name, err)
	}
	return u, sess
}

func testCreateUser(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	got, err := s.UserByName(ctx, "alice")
	if err != nil {
		t.Fatalf("UserByName: %v", err)
	}
	if got.ID != u.ID || got.KDF.Memory != 65536 || !bytes.Equal(got.WrappedKey, []byte("wk")) {
		t.Errorf("UserByName = %+v, want %+v", got, u)
	}
	u2 := *u
	u2.UID = "other"
	if err := s.CreateUser(ctx, &u2, nil); !errors.Is(err, server.ErrUsernameTaken) {
		t.Errorf("CreateUser(dup) = %v, want server.ErrUsernameTaken", err)
	}
	if _, err := s.UserByName(ctx, "bob"); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("UserByName(bob) = %v, want server.ErrNotFound", err)
	}
}

func testMetacharacterNames(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	for _, name := range []string{"a'; DROP TABLE users; --", `x" OR 1=1 --`, "../../etc/passwd", "%_*"} {
		t.Run(name, func(t *testing.T) {
			if _, err := s.UserByName(ctx, name); !errors.Is(err, server.ErrNotFound) {
				t.Errorf("UserByName(%q) = %v, want server.ErrNotFound", name, err)
			}
			newUser(t, s, name)
			if _, err := s.UserByName(ctx, name); err != nil {
				t.Errorf("UserByName(%q) = %v", name, err)
			}
		})
	}
	if l, err := s.ListUsers(ctx); err != nil || len(l) != 4 {
		t.Errorf("ListUsers = %d users, %v; want 4", len(l), err)
	}
}

func testRefreshRotation(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	u, sess := newUser(t, s, "alice")
	got, err := s.RotateRefresh(ctx, hash("rt-alice"), hash("rt2"))
	if err != nil || got.ID != sess.ID || got.UserID != u.ID {
		t.Fatalf("RotateRefresh = %+v, %v", got, err)
	}
	if _, err := s.RotateRefresh(ctx, hash("nope"), hash("x")); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("RotateRefresh(unknown) = %v, want server.ErrNotFound", err)
	}
	// Reusing the spent token revokes the session.
	got, err = s.RotateRefresh(ctx, hash("rt-alice"), hash("rt3"))
	if !errors.Is(err, server.ErrRefreshReused) || got.ID != sess.ID {
		t.Fatalf("RotateRefresh(spent) = %+v, %v; want server.ErrRefreshReused", got, err)
	}
	if _, err := s.SessionAuth(ctx, sess.ID); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("SessionAuth after reuse = %v, want server.ErrNotFound", err)
	}
	if _, err := s.RotateRefresh(ctx, hash("rt2"), hash("rt4")); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("RotateRefresh(current of revoked) = %v, want server.ErrNotFound", err)
	}
}

func testSessionsIsolation(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	a, as := newUser(t, s, "alice")
	b, _ := newUser(t, s, "bob")
	if err := s.DeleteSession(ctx, b.ID, as.ID); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("DeleteSession(other user's) = %v, want server.ErrNotFound", err)
	}
	extra := &server.Session{ID: "s2", UserID: a.ID, DeviceName: "d2", RefreshHash: hash("x")}
	if err := s.CreateSession(ctx, extra); err != nil {
		t.Fatal(err)
	}
	if n, err := s.DeleteOtherSessions(ctx, a.ID, as.ID); err != nil || n != 1 {
		t.Errorf("DeleteOtherSessions = %d, %v; want 1", n, err)
	}
	l, _ := s.ListSessions(ctx, a.ID)
	if len(l) != 1 || l[0].ID != as.ID {
		t.Errorf("ListSessions = %+v, want only %s", l, as.ID)
	}
}

const id1 = "11111111-1111-4111-8111-111111111111"
const id2 = "22222222-2222-4222-8222-222222222222"

func testWriteNoteCAS(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	tests := []struct {
		name     string
		w        server.Write
		wantRev  uint64
		wantSeq  uint64
		conflict bool
	}{
		{"create", server.Write{ID: id1, BaseRev: 0, Blob: []byte("a")}, 1, 1, false},
		{"create again", server.Write{ID: id1, BaseRev: 0, Blob: []byte("b")}, 0, 0, true},
		{"update", server.Write{ID: id1, BaseRev: 1, Blob: []byte("bb")}, 2, 2, false},
		{"stale", server.Write{ID: id1, BaseRev: 1, Blob: []byte("c")}, 0, 0, true},
		{"delete missing", server.Write{ID: id2, BaseRev: 0, Delete: true}, 0, 0, true},
		{"delete", server.Write{ID: id1, BaseRev: 2, Delete: true}, 3, 3, false},
		{"resurrect", server.Write{ID: id1, BaseRev: 3, Blob: []byte("d")}, 4, 4, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rev, seq, err := s.WriteNote(ctx, u.ID, 0, &tc.w)
			var ce *server.ConflictError
			if tc.conflict {
				if !errors.As(err, &ce) || ce.Current.ID != tc.w.ID {
					t.Fatalf("WriteNote = %v, want conflict", err)
				}
				return
			}
			if err != nil || rev != tc.wantRev || seq != tc.wantSeq {
				t.Errorf("WriteNote = %d, %d, %v; want %d, %d", rev, seq, err, tc.wantRev, tc.wantSeq)
			}
		})
	}
	_, _, err := s.WriteNote(ctx, u.ID, 0, &server.Write{ID: id1, BaseRev: 1, Blob: []byte("x")})
	var ce *server.ConflictError
	if !errors.As(err, &ce) || ce.Current.Rev != 4 || string(ce.Current.Blob) != "d" {
		t.Errorf("conflict current = %+v, want rev 4 blob d", ce)
	}
}

func testQuota(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	// Two rows and 10 blob bytes (SPEC §7.6: each row costs RowOverhead).
	q := int64(2*server.RowOverhead + 10)
	if _, _, err := s.WriteNote(ctx, u.ID, q, &server.Write{ID: id1, Blob: make([]byte, 8)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.WriteNote(ctx, u.ID, q, &server.Write{ID: id2, Blob: make([]byte, 3)}); !errors.Is(err, server.ErrQuotaExceeded) {
		t.Fatalf("WriteNote over quota = %v, want server.ErrQuotaExceeded", err)
	}
	// Shrinking is allowed, and frees space.
	if _, _, err := s.WriteNote(ctx, u.ID, q, &server.Write{ID: id1, BaseRev: 1, Blob: make([]byte, 2)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.WriteNote(ctx, u.ID, q, &server.Write{ID: id2, Blob: make([]byte, 8)}); err != nil {
		t.Errorf("WriteNote after shrink = %v", err)
	}
	// A batch over quota writes nothing.
	_, err := s.Batch(ctx, u.ID, q, []server.Write{{ID: "33333333-3333-4333-8333-333333333333", Blob: []byte("x")}}, nil)
	if !errors.Is(err, server.ErrQuotaExceeded) {
		t.Fatalf("Batch over quota = %v", err)
	}
	pg, _ := changes(t, s, u.ID, 0, 100, 1<<20)
	if len(pg.Changes) != 2 {
		t.Errorf("after refused batch %d notes, want 2", len(pg.Changes))
	}
	// A tombstone keeps its row's cost: deleting frees the blob bytes
	// only, so creating and deleting notes cannot store rows for free.
	if _, _, err := s.WriteNote(ctx, u.ID, q, &server.Write{ID: id2, BaseRev: 1, Delete: true}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.WriteNote(ctx, u.ID, q, &server.Write{ID: "33333333-3333-4333-8333-333333333333", Blob: []byte{}}); !errors.Is(err, server.ErrQuotaExceeded) {
		t.Errorf("a third row next to a tombstone = %v, want server.ErrQuotaExceeded", err)
	}
	us, err := s.ListUsers(ctx)
	if err != nil || len(us) != 1 || us[0].UsedBytes != 2*server.RowOverhead+2 || us[0].Notes != 1 || us[0].Tomb != 1 {
		t.Errorf("ListUsers = %+v, %v; want 1 note, 1 tombstone, %d bytes", us, err, 2*server.RowOverhead+2)
	}
}

func testBatch(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	out, err := s.Batch(ctx, u.ID, 0, []server.Write{
		{ID: id1, Blob: []byte("a")},
		{ID: id1, BaseRev: 1, Blob: []byte("b")},
		{ID: id2, BaseRev: 5, Blob: []byte("c")},
		{ID: id1, BaseRev: 2, Delete: true},
	}, nil)
	if err != nil || !out.Applied {
		t.Fatal(out, err)
	}
	res := out.Results
	want := []string{"ok", "ok", "conflict", "ok"}
	for i, r := range res {
		if r.Status != want[i] {
			t.Errorf("result[%d] = %+v, want %s", i, r, want[i])
		}
	}
	if res[3].Rev != 3 || res[3].Seq != 3 {
		t.Errorf("result[3] = %+v, want rev 3 seq 3", res[3])
	}
	pg, err := changes(t, s, u.ID, 0, 10, 1<<20)
	if err != nil || len(pg.Changes) != 1 || !pg.Changes[0].Deleted || pg.Next != 3 || pg.More || pg.Manifest != nil {
		t.Errorf("Changes = %+v, %v; want one tombstone, no manifest", pg, err)
	}
}

func testChangesPaging(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	other, _ := newUser(t, s, "bob")
	var ws []server.Write
	for i := 0; i < 25; i++ {
		ws = append(ws, server.Write{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Blob: make([]byte, 100)})
	}
	if _, err := s.Batch(ctx, u.ID, 0, ws, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.WriteNote(ctx, other.ID, 0, &server.Write{ID: id1, Blob: []byte("secret")}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	since := uint64(0)
	pages := 0
	for {
		pg, err := changes(t, s, u.ID, since, 10, 550) // bytes bound: 5 per page
		if err != nil {
			t.Fatal(err)
		}
		ch, next, more := pg.Changes, pg.Next, pg.More
		pages++
		if len(ch) > 5 {
			t.Fatalf("page of %d changes, byte bound allows 5", len(ch))
		}
		for _, c := range ch {
			seen[c.ID] = true
		}
		// Insert during paging: an update of an already seen note shows up again later.
		if pages == 2 {
			if _, _, err := s.WriteNote(ctx, u.ID, 0, &server.Write{ID: ws[0].ID, BaseRev: 1, Blob: make([]byte, 100)}); err != nil {
				t.Fatal(err)
			}
			delete(seen, ws[0].ID)
		}
		since = next
		if !more {
			break
		}
	}
	if len(seen) != 25 || seen[id1] {
		t.Errorf("paging saw %d notes (id1 %v), want the 25 of alice", len(seen), seen[id1])
	}
}

func testManifest(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	m, err := s.Manifest(ctx, u.ID)
	if err != nil || m.Version != 0 || m.Blob != nil {
		t.Fatalf("Manifest = %+v, %v", m, err)
	}
	if v, err := s.PutManifest(ctx, u.ID, 0, []byte("m1")); err != nil || v != 1 {
		t.Fatalf("PutManifest = %d, %v", v, err)
	}
	_, err = s.PutManifest(ctx, u.ID, 0, []byte("m2"))
	var mc *server.ManifestConflictError
	if !errors.As(err, &mc) || mc.Current.Version != 1 || string(mc.Current.Blob) != "m1" {
		t.Errorf("PutManifest(stale) = %v, want conflict with version 1", err)
	}
}

func testDeleteUserCascades(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	u, sess := newUser(t, s, "alice")
	if _, _, err := s.WriteNote(ctx, u.ID, 0, &server.Write{ID: id1, Blob: []byte("a")}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUserByName(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if n := h.Rows(t, s, "notes"); n != 0 {
		t.Errorf("%d notes left after delete", n)
	}
	if _, err := s.SessionAuth(ctx, sess.ID); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("SessionAuth after delete = %v", err)
	}
}

func testAtomicBatch(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	put := func(id string, base uint64, blob string) server.Write {
		return server.Write{ID: id, BaseRev: base, Blob: []byte(blob)}
	}
	tests := []struct {
		name        string
		writes      []server.Write
		man         server.ManifestWrite
		applied     bool
		wantVersion uint64 // manifest version afterwards
		wantNotes   int
	}{
		{"first write", []server.Write{put(id1, 0, "a")}, server.ManifestWrite{BaseVersion: 0, Blob: []byte("m1")}, true, 1, 1},
		{"stale manifest", []server.Write{put(id2, 0, "b")}, server.ManifestWrite{BaseVersion: 0, Blob: []byte("m2")}, false, 1, 1},
		{"op conflict", []server.Write{put(id2, 0, "b"), put(id1, 0, "x")}, server.ManifestWrite{BaseVersion: 1, Blob: []byte("m2")}, false, 1, 1},
		{"both ok", []server.Write{put(id2, 0, "b"), put(id1, 1, "x")}, server.ManifestWrite{BaseVersion: 1, Blob: []byte("m2")}, true, 2, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := s.Batch(ctx, u.ID, 0, tc.writes, &tc.man)
			if err != nil {
				t.Fatal(err)
			}
			if out.Applied != tc.applied {
				t.Errorf("Applied = %v, want %v", out.Applied, tc.applied)
			}
			if !tc.applied {
				if out.Manifest == nil || out.Manifest.Version != tc.wantVersion {
					t.Errorf("refused batch Manifest = %+v, want version %d", out.Manifest, tc.wantVersion)
				}
				for _, r := range out.Results {
					if r.Status == "ok" && (r.Rev != 0 || r.Seq != 0) {
						t.Errorf("unapplied ok result carries rev/seq: %+v", r)
					}
				}
			}
			pg, err := changes(t, s, u.ID, 0, 100, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if len(pg.Changes) != tc.wantNotes || pg.Manifest == nil || pg.Manifest.Version != tc.wantVersion {
				t.Errorf("after: %d notes, manifest %+v; want %d notes, version %d", len(pg.Changes), pg.Manifest, tc.wantNotes, tc.wantVersion)
			}
		})
	}
}

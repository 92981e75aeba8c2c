package storetest

import (
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/store/basewait"
)

const (
	id3 = "33333333-3333-4333-8333-333333333333"
	id4 = "44444444-4444-4444-8444-444444444444"
)

// hashed is an atomic batch's manifest write on base with the hash of
// baseBlob (SPEC §7.3).
func hashed(base uint64, baseBlob, blob string) *server.ManifestWrite {
	h := sha256.Sum256([]byte(baseBlob))
	return &server.ManifestWrite{BaseVersion: base, BaseHash: h[:], Blob: []byte(blob)}
}

func putOne(id string, base uint64, blob string) []server.Write {
	return []server.Write{{ID: id, BaseRev: base, Blob: []byte(blob)}}
}

// manifestIs checks the account's manifest.
func manifestIs(t *testing.T, s server.Store, userID int64, version uint64, blob string) {
	t.Helper()
	m, err := s.Manifest(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != version || string(m.Blob) != blob {
		t.Fatalf("manifest = %d %q, want %d %q", m.Version, m.Blob, version, blob)
	}
}

// notesAre checks which notes the feed holds (ids in seq order).
func notesAre(t *testing.T, s server.Store, userID int64, ids ...string) {
	t.Helper()
	pg, err := changes(t, s, userID, 0, 100, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range pg.Changes {
		got = append(got, c.ID)
	}
	if len(got) != len(ids) {
		t.Fatalf("feed holds %v, want %v", got, ids)
	}
	for i := range ids {
		if got[i] != ids[i] {
			t.Fatalf("feed holds %v, want %v", got, ids)
		}
	}
}

// testBaseHash: with a base hash a batch applies only on the blob of that
// hash; without one the version alone decides, as before.
func testBaseHash(t *testing.T, h Harness) {
	s := h.Open(t, Options{BaseWait: basewait.New(50 * time.Millisecond)})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	tests := []struct {
		name    string
		writes  []server.Write
		man     *server.ManifestWrite
		applied bool
		version uint64 // manifest version afterwards
	}{
		{"hash on version 0", putOne(id1, 0, "a"), hashed(0, "", "m1"), false, 0},
		{"old style first", putOne(id1, 0, "a"), &server.ManifestWrite{BaseVersion: 0, Blob: []byte("m1")}, true, 1},
		{"wrong hash", putOne(id2, 0, "b"), hashed(1, "not m1", "m2"), false, 1},
		{"right hash", putOne(id2, 0, "b"), hashed(1, "m1", "m2"), true, 2},
		{"old hash", putOne(id3, 0, "c"), hashed(2, "m1", "m3"), false, 2},
		{"old style after", putOne(id3, 0, "c"), &server.ManifestWrite{BaseVersion: 2, Blob: []byte("m3")}, true, 3},
		{"right hash, op conflict", putOne(id1, 0, "x"), hashed(3, "m3", "m4"), false, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := s.Batch(ctx, u.ID, 0, tc.writes, tc.man)
			if err != nil {
				t.Fatal(err)
			}
			if out.Applied != tc.applied {
				t.Errorf("Applied = %v, want %v", out.Applied, tc.applied)
			}
			if !out.BaseHashChecked {
				t.Error("BaseHashChecked = false for an atomic batch")
			}
			if !tc.applied && (out.Manifest == nil || out.Manifest.Version != tc.version) {
				t.Errorf("refused batch's Manifest = %+v, want version %d", out.Manifest, tc.version)
			}
			m, err := s.Manifest(ctx, u.ID)
			if err != nil || m.Version != tc.version {
				t.Errorf("manifest after = %+v, %v; want version %d", m, err, tc.version)
			}
		})
	}
	notesAre(t, s, u.ID, id1, id2, id3)
}

// testBaseHashChain: batch k refused, another device writes the version k
// would have written; batch k+1 (on k's blob) is refused too, although its
// base version now exists: the version alone would apply it on the other
// device's write, a false fork (SPEC §10.5.1).
func testBaseHashChain(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	if _, err := s.Batch(ctx, u.ID, 0, putOne(id1, 0, "a"), &server.ManifestWrite{BaseVersion: 0, Blob: []byte("m1")}); err != nil {
		t.Fatal(err)
	}
	// Batch k of device A: refused (its op conflicts).
	k, err := s.Batch(ctx, u.ID, 0, putOne(id1, 0, "stale"), hashed(1, "m1", "A2"))
	if err != nil || k.Applied {
		t.Fatalf("batch k = %+v, %v; want refused", k, err)
	}
	// Device B writes version 2.
	if b, err := s.Batch(ctx, u.ID, 0, putOne(id2, 0, "b"), hashed(1, "m1", "B2")); err != nil || !b.Applied {
		t.Fatalf("device B's batch = %+v, %v", b, err)
	}
	// Batch k+1 of device A, built on A2.
	next, err := s.Batch(ctx, u.ID, 0, putOne(id3, 0, "c"), hashed(2, "A2", "A3"))
	if err != nil {
		t.Fatal(err)
	}
	if next.Applied || !next.BaseHashChecked || next.Manifest == nil || next.Manifest.Version != 2 || string(next.Manifest.Blob) != "B2" {
		t.Fatalf("batch k+1 = %+v; want refused with B's manifest", next)
	}
	manifestIs(t, s, u.ID, 2, "B2")
	notesAre(t, s, u.ID, id1, id2)
	// The same without the hash: the version alone lets it in (why the
	// hash is needed before a device pipelines).
	old, err := s.Batch(ctx, u.ID, 0, putOne(id3, 0, "c"), &server.ManifestWrite{BaseVersion: 2, Blob: []byte("A3")})
	if err != nil || !old.Applied {
		t.Fatalf("batch k+1 without hash = %+v, %v; want applied", old, err)
	}
}

// waitingFor waits until n batches wait on the board (or fails after 10 s).
func waitingFor(t *testing.T, b *basewait.Board, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for b.Waiting() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d batches waiting, want %d", b.Waiting(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

type batchResult struct {
	out *server.BatchOutcome
	err error
}

// overtaken opens a store with a wait board, writes version 1 ("m1") for
// a new user and sends batch k+1 (id3, manifest version 3 on a version 2
// of blob base) ahead of its batch k: it returns once k+1 waits, with its
// outcome to come on done.
func overtaken(t *testing.T, h Harness, base, blob string) (server.Store, *server.User, *basewait.Board, <-chan batchResult) {
	t.Helper()
	board := basewait.New(time.Minute)
	s := h.Open(t, Options{BaseWait: board})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	if _, err := s.Batch(ctx, u.ID, 0, putOne(id1, 0, "a"), &server.ManifestWrite{BaseVersion: 0, Blob: []byte("m1")}); err != nil {
		t.Fatal(err)
	}
	done := make(chan batchResult, 1)
	go func() {
		out, err := s.Batch(ctx, u.ID, 0, putOne(id3, 0, "c"), hashed(2, base, blob))
		done <- batchResult{out, err}
	}()
	waitingFor(t, board, 1)
	return s, u, board, done
}

// testBaseHashOvertake: batch k+1 reaches the store before batch k; it
// waits for k and both apply, in order, nothing lost.
func testBaseHashOvertake(t *testing.T, h Harness) {
	s, u, board, done := overtaken(t, h, "m2", "m3")
	ctx := context.Background()
	k, err := s.Batch(ctx, u.ID, 0, putOne(id2, 0, "b"), hashed(1, "m1", "m2"))
	if err != nil || !k.Applied {
		t.Fatalf("batch k = %+v, %v", k, err)
	}
	r := <-done
	if r.err != nil || !r.out.Applied || r.out.Results[0].Rev != 1 {
		t.Fatalf("batch k+1 = %+v, %v; want applied after k", r.out, r.err)
	}
	if r.out.Results[0].Seq <= k.Results[0].Seq {
		t.Errorf("k+1 took seq %d, k %d: not after k", r.out.Results[0].Seq, k.Results[0].Seq)
	}
	manifestIs(t, s, u.ID, 3, "m3")
	notesAre(t, s, u.ID, id1, id2, id3)
	if n := board.Waiting(); n != 0 {
		t.Errorf("%d batches still waiting", n)
	}
}

// testBaseHashOvertakeRefused: batch k+1 waits, k is refused and another
// device writes the version k+1 was built on: k+1 wakes and is refused.
func testBaseHashOvertakeRefused(t *testing.T, h Harness) {
	s, u, _, done := overtaken(t, h, "A2", "A3")
	ctx := context.Background()
	if k, err := s.Batch(ctx, u.ID, 0, putOne(id1, 0, "stale"), hashed(1, "m1", "A2")); err != nil || k.Applied {
		t.Fatalf("batch k = %+v, %v; want refused", k, err)
	}
	if b, err := s.Batch(ctx, u.ID, 0, putOne(id2, 0, "b"), &server.ManifestWrite{BaseVersion: 1, Blob: []byte("B2")}); err != nil || !b.Applied {
		t.Fatalf("device B's batch = %+v, %v", b, err)
	}
	r := <-done
	if r.err != nil || r.out.Applied || !r.out.BaseHashChecked || r.out.Manifest == nil || string(r.out.Manifest.Blob) != "B2" {
		t.Fatalf("batch k+1 = %+v, %v; want refused with B's manifest", r.out, r.err)
	}
	manifestIs(t, s, u.ID, 2, "B2")
	notesAre(t, s, u.ID, id1, id2)
}

// testBaseHashWaitEnds: an early batch nobody follows is refused once its
// wait is over, and is judged (refused) at once when its request is
// cancelled.
func testBaseHashWaitEnds(t *testing.T, h Harness) {
	board := basewait.New(100 * time.Millisecond)
	s := h.Open(t, Options{BaseWait: board})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	if _, err := s.Batch(ctx, u.ID, 0, putOne(id1, 0, "a"), &server.ManifestWrite{BaseVersion: 0, Blob: []byte("m1")}); err != nil {
		t.Fatal(err)
	}
	out, err := s.Batch(ctx, u.ID, 0, putOne(id2, 0, "b"), hashed(2, "m2", "m3"))
	if err != nil || out.Applied || !out.BaseHashChecked || out.Manifest == nil || out.Manifest.Version != 1 {
		t.Fatalf("lone early batch = %+v, %v; want refused", out, err)
	}
	// Not waiting: two versions ahead, or an old-style batch.
	for _, man := range []*server.ManifestWrite{hashed(3, "m3", "m4"), {BaseVersion: 2, Blob: []byte("m3")}} {
		if out, err := s.Batch(ctx, u.ID, 0, putOne(id2, 0, "b"), man); err != nil || out.Applied {
			t.Fatalf("batch on %d = %+v, %v; want refused", man.BaseVersion, out, err)
		}
	}
	cancelled := basewait.New(time.Hour)
	s2 := h.Open(t, Options{BaseWait: cancelled})
	u2, _ := newUser(t, s2, "bob")
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan batchResult, 1)
	go func() {
		out, err := s2.Batch(cctx, u2.ID, 0, putOne(id4, 0, "d"), hashed(1, "m1", "m2"))
		done <- batchResult{out, err}
	}()
	waitingFor(t, cancelled, 1)
	cancel()
	if r := <-done; r.err != nil || r.out.Applied || !r.out.BaseHashChecked || r.out.Manifest == nil || r.out.Manifest.Version != 0 {
		t.Fatalf("cancelled wait = %+v, %v; want refused at once", r.out, r.err)
	}
	notesAre(t, s2, u2.ID)
	if _, err := s2.Batch(ctx, u2.ID, 0, putOne(id4, 0, "d"), &server.ManifestWrite{BaseVersion: 0, Blob: []byte("m1")}); err != nil {
		t.Fatal(err)
	}
}

package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"cipherleaf.dev/server"
)

// testConcurrentCAS: writers racing on one note from the same base
// revision: exactly one wins each round, the others get a conflict
// carrying the winner's state, and every accepted write has its own
// sequence number (SPEC §7.3). This is what an engine with many writers
// (PostgreSQL) must make atomic with locks or serializable transactions.
func testConcurrentCAS(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	const writers, rounds = 8, 5
	seqs := map[uint64]bool{}
	base := uint64(0)
	for round := range rounds {
		var wg sync.WaitGroup
		start := make(chan struct{})
		type res struct {
			rev, seq uint64
			err      error
		}
		out := make([]res, writers)
		for i := range writers {
			wg.Go(func() {
				<-start
				// Half go through WriteNote, half through Batch: both paths
				// take the same per-user order.
				w := server.Write{ID: id1, BaseRev: base, Blob: fmt.Appendf(nil, "r%d-w%d", round, i)}
				if i%2 == 0 {
					out[i].rev, out[i].seq, out[i].err = s.WriteNote(ctx, u.ID, 0, &w)
					return
				}
				bo, err := s.Batch(ctx, u.ID, 0, []server.Write{w}, nil)
				if err != nil {
					out[i].err = err
					return
				}
				r := bo.Results[0]
				if r.Current != nil {
					out[i].err = &server.ConflictError{Current: *r.Current}
					return
				}
				out[i].rev, out[i].seq = r.Rev, r.Seq
			})
		}
		close(start)
		wg.Wait()
		wins := 0
		for i, r := range out {
			var ce *server.ConflictError
			switch {
			case r.err == nil:
				wins++
				if r.rev != base+1 || seqs[r.seq] {
					t.Fatalf("round %d writer %d: rev %d seq %d; want rev %d and an unused seq", round, i, r.rev, r.seq, base+1)
				}
				seqs[r.seq] = true
			case errors.As(r.err, &ce):
				if ce.Current.Rev != base+1 {
					t.Errorf("round %d writer %d: conflict shows rev %d, want the winner's %d", round, i, ce.Current.Rev, base+1)
				}
			default:
				t.Fatalf("round %d writer %d: %v", round, i, r.err)
			}
		}
		if wins != 1 {
			t.Fatalf("round %d: %d writers won from base %d, want exactly 1", round, wins, base)
		}
		base++
	}
	pg, err := changes(t, s, u.ID, 0, 100, 1<<20)
	if err != nil || len(pg.Changes) != 1 || pg.Changes[0].Rev != rounds || pg.Next != rounds {
		t.Errorf("Changes = %+v, %v; want one note at rev %d, seq %d", pg, err, rounds, rounds)
	}
}

// testManifestRace: concurrent manifest writes from one version: one wins.
func testManifestRace(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	const n = 8
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			<-start
			if i%2 == 0 {
				_, errs[i] = s.PutManifest(ctx, u.ID, 0, fmt.Appendf(nil, "m%d", i))
				return
			}
			out, err := s.Batch(ctx, u.ID, 0, []server.Write{{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Blob: []byte("x")}},
				&server.ManifestWrite{BaseVersion: 0, Blob: fmt.Appendf(nil, "m%d", i)})
			if err == nil && !out.Applied {
				err = &server.ManifestConflictError{Current: *out.Manifest}
			}
			errs[i] = err
		})
	}
	close(start)
	wg.Wait()
	wins := 0
	for i, err := range errs {
		var mc *server.ManifestConflictError
		switch {
		case err == nil:
			wins++
		case errors.As(err, &mc):
			if mc.Current.Version != 1 {
				t.Errorf("writer %d: conflict at version %d, want 1", i, mc.Current.Version)
			}
		default:
			t.Fatalf("writer %d: %v", i, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d manifest writes from version 0 won, want exactly 1", wins)
	}
	pg, err := changes(t, s, u.ID, 0, 100, 1<<20)
	if err != nil || pg.Manifest == nil || pg.Manifest.Version != 1 || len(pg.Changes) > 1 {
		t.Errorf("after the race: %+v, %v; want manifest version 1 and at most the winner's note", pg, err)
	}
}

// testRefreshReuseRace: the same refresh token spent by many requests at
// once (a thief racing the device): one rotates, and the reuse is caught,
// revoking the session, whatever the order.
func testRefreshReuseRace(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	_, sess := newUser(t, s, "alice")
	const n = 6
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			<-start
			_, errs[i] = s.RotateRefresh(ctx, hash("rt-alice"), hash(fmt.Sprintf("new-%d", i)))
		})
	}
	close(start)
	wg.Wait()
	ok, reused := 0, 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, server.ErrRefreshReused), errors.Is(err, server.ErrNotFound):
			// ErrNotFound: the session was already revoked by another reuse.
			reused++
		default:
			t.Fatalf("RotateRefresh %d: %v", i, err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d concurrent rotations of one token succeeded, want exactly 1", ok)
	}
	if _, err := s.SessionAuth(ctx, sess.ID); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("SessionAuth after concurrent reuse = %v, want ErrNotFound (session revoked)", err)
	}
}

// testDisableEndsSessions: disabling an account ends its sessions at once.
func testDisableEndsSessions(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	_, sess := newUser(t, s, "alice")
	if _, err := s.SessionAuth(ctx, sess.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDisabled(ctx, "alice", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionAuth(ctx, sess.ID); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("SessionAuth after disable = %v, want ErrNotFound", err)
	}
	u, err := s.UserByName(ctx, "alice")
	if err != nil || !u.Disabled {
		t.Errorf("UserByName after disable = %+v, %v", u, err)
	}
	if err := s.SetDisabled(ctx, "nobody", true); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("SetDisabled(nobody) = %v, want ErrNotFound", err)
	}
}

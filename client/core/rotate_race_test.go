package core_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/shared/protocol"
)

// TestRotateKeyAtOnce: B rotates while A's rotation is on its way to the
// server (between A fetching the keys and A publishing). The server refuses
// A's stale base generation; A adopts B's key and rotates from it. The
// chain stays linear (1 → 2 → 3) and every note opens everywhere.
func TestRotateKeyAtOnce(t *testing.T) {
	srv := fakeremote.New()
	a := device(t, srv, t.TempDir())
	rk := register(t, a, srv, "rita", "pw")
	for _, title := range []string{"a1", "a2", "a3"} {
		create(t, a, title, "body "+title)
	}
	mustSync(t, a)
	b := device(t, srv, t.TempDir())
	login(t, b, srv, "rita", "pw")
	c := device(t, srv, t.TempDir()) // stays out of it until the end
	login(t, c, srv, "rita", "pw")
	ctx := context.Background()

	var puts []string // base→generation of every PutKeys, in order
	bRotated := false
	srv.SetBeforePutKeys(func(req protocol.KeysRequest) {
		puts = append(puts, fmt.Sprintf("%d→%d", req.BaseGeneration, req.Generation))
		if bRotated {
			return
		}
		bRotated = true // B's own PutKeys runs this hook too
		if err := b.RotateKey(ctx); err != nil {
			t.Errorf("B.RotateKey during A's: %v", err)
		}
	})
	if err := a.RotateKey(ctx); err != nil {
		t.Fatalf("A.RotateKey racing B's: %v", err)
	}
	srv.SetBeforePutKeys(nil)
	if want := []string{"1→2", "1→2", "2→3"}; fmt.Sprint(puts) != fmt.Sprint(want) {
		t.Errorf("PutKeys calls = %v, want %v (A, B wins, A again from B's key)", puts, want)
	}
	if g, n := srv.KeyGeneration("rita"), len(srv.Successors("rita")); g != 3 || n != 2 {
		t.Fatalf("server after the race: generation %d, %d successors; want 3, 2 (a linear chain)", g, n)
	}

	create(t, b, "b1", "written under B's key") // B does not know generation 3 yet
	for range 2 {
		for _, dev := range []*core.Core{b, a, c} {
			mustSync(t, dev)
		}
	}
	want := map[string]string{"a1": "body a1", "a2": "body a2", "a3": "body a3", "b1": "written under B's key"}
	for name, dev := range map[string]*core.Core{"A": a, "B": b, "C": c} {
		if got := bodies(t, dev); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s's notes = %v, want %v", name, got, want)
		}
		if cs := dev.Conflicts(); len(cs) != 0 {
			t.Errorf("%s has conflicted copies %v, want none", name, cs)
		}
	}
	for _, id := range idsOf(a) {
		if g := generationOnServer(srv, "rita", id); g != 3 {
			t.Errorf("note %s on the server under generation %d, want 3", id, g)
		}
	}
	// The recovery wrap still holds generation 1: it walks 1 → 2 → 3.
	d, err := recoverOn(t, srv, "rita", rk, "pw2")
	if err != nil {
		t.Fatalf("Recover with the original key after the race: %v", err)
	}
	if got := bodies(t, d); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("recovered notes = %v, want %v", got, want)
	}
}

// TestRotateKeyGivesUp: when another device wins every attempt, RotateKey
// stops with ErrKeyChanged, having sealed nothing under a key the server
// refused: the device keeps the newest key and syncs as before.
func TestRotateKeyGivesUp(t *testing.T) {
	srv := fakeremote.New()
	a := device(t, srv, t.TempDir())
	register(t, a, srv, "sam", "pw")
	create(t, a, "one", "body one")
	mustSync(t, a)
	b := device(t, srv, t.TempDir())
	login(t, b, srv, "sam", "pw")
	ctx := context.Background()

	inB := false
	srv.SetBeforePutKeys(func(req protocol.KeysRequest) {
		if inB {
			return
		}
		inB = true
		if err := b.RotateKey(ctx); err != nil {
			t.Errorf("B.RotateKey: %v", err)
		}
		inB = false
	})
	err := a.RotateKey(ctx)
	srv.SetBeforePutKeys(nil)
	if !errors.Is(err, core.ErrKeyChanged) {
		t.Fatalf("A.RotateKey losing every race = %v, want ErrKeyChanged", err)
	}
	if g, n := srv.KeyGeneration("sam"), len(srv.Successors("sam")); g != 4 || n != 3 {
		t.Fatalf("server: generation %d, %d successors; want 4, 3 (B's rotations only)", g, n)
	}
	create(t, a, "two", "body two")
	mustSync(t, a)
	mustSync(t, b)
	mustSync(t, a)
	want := map[string]string{"one": "body one", "two": "body two"}
	for name, dev := range map[string]*core.Core{"A": a, "B": b} {
		if got := bodies(t, dev); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s's notes = %v, want %v", name, got, want)
		}
	}
	for _, id := range idsOf(a) {
		if g := generationOnServer(srv, "sam", id); g != 4 {
			t.Errorf("note %s under generation %d, want 4 (B's newest)", id, g)
		}
	}
}

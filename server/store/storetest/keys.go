package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

func testUpdateKeys(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	other, _ := newUser(t, s, "bob")

	// A rotation without a recovery wrap keeps the old one.
	if _, err := s.UpdateKeys(ctx, u.ID, server.KeyUpdate{WrappedKey: []byte("wk2"), AddSuccessor: []byte("s1")}, false, "", nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(got.WrappedKey) != "wk2" || string(got.RecoveryWrappedKey) != "rwk" || string(got.RecoveryHash) != "r" {
		t.Errorf("after rotation: wrapped %q, recovery wrapped %q, recovery hash %q; want wk2, rwk, r", got.WrappedKey, got.RecoveryWrappedKey, got.RecoveryHash)
	}
	// A new recovery key replaces its hash and wrap and nothing else.
	if _, err := s.UpdateKeys(ctx, u.ID, server.KeyUpdate{RecoveryHash: []byte("r2"), RecoveryWrappedKey: []byte("rwk2")}, false, "", nil); err != nil {
		t.Fatal(err)
	}
	got, _ = s.UserByID(ctx, u.ID)
	if string(got.WrappedKey) != "wk2" || string(got.RecoveryWrappedKey) != "rwk2" || string(got.RecoveryHash) != "r2" || string(got.AuthHash) != "h" {
		t.Errorf("after recovery key: %+v", got)
	}
	if _, err := s.UpdateKeys(ctx, u.ID, server.KeyUpdate{AddSuccessor: []byte("s2")}, false, "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateKeys(ctx, other.ID, server.KeyUpdate{AddSuccessor: []byte("bob's")}, false, "", nil); err != nil {
		t.Fatal(err)
	}
	succ, err := s.Successors(ctx, u.ID)
	if err != nil || len(succ) != 2 || string(succ[0]) != "s1" || string(succ[1]) != "s2" {
		t.Errorf("Successors(alice) = %q, %v; want [s1 s2]", succ, err)
	}
	if _, err := s.UpdateKeys(ctx, 9999, server.KeyUpdate{AddSuccessor: []byte("x")}, false, "", nil); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("UpdateKeys(unknown user) = %v, want server.ErrNotFound", err)
	}
}

func testSuccessorsKeepNewest(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	if succ, err := s.Successors(ctx, u.ID); err != nil || succ != nil {
		t.Fatalf("Successors(new user) = %q, %v; want none", succ, err)
	}
	total := protocol.MaxSuccessors + 3
	for i := range total {
		if _, err := s.UpdateKeys(ctx, u.ID, server.KeyUpdate{AddSuccessor: fmt.Appendf(nil, "s%d", i)}, false, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	succ, err := s.Successors(ctx, u.ID)
	if err != nil || len(succ) != protocol.MaxSuccessors {
		t.Fatalf("Successors = %d, %v; want %d", len(succ), err, protocol.MaxSuccessors)
	}
	for i, b := range succ {
		if want := fmt.Sprintf("s%d", total-protocol.MaxSuccessors+i); string(b) != want {
			t.Fatalf("Successors[%d] = %q, want %q (newest kept, oldest first)", i, b, want)
		}
	}
	if err := s.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if n := h.Rows(t, s, "successors"); n != 0 {
		t.Errorf("%d successors left after delete", n)
	}
}

// TestUpdateKeysGenerationRace: concurrent rotations from the same base
// generation, as from devices rotating at once: exactly one wins, the
// others get ErrKeyConflict and write nothing (SPEC §3).
func testUpdateKeysGenerationRace(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	const n = 8
	start := make(chan struct{})
	errs := make(chan error, n)
	for i := range n {
		go func() {
			<-start
			upd := server.KeyUpdate{WrappedKey: fmt.Appendf(nil, "wk%d", i), AddSuccessor: fmt.Appendf(nil, "s%d", i), BaseGeneration: 1, Generation: 2}
			_, err := s.UpdateKeys(ctx, u.ID, upd, false, "", nil)
			errs <- err
		}()
	}
	close(start)
	wins := 0
	for range n {
		switch err := <-errs; {
		case err == nil:
			wins++
		case !errors.Is(err, server.ErrKeyConflict):
			t.Errorf("UpdateKeys = %v, want nil or server.ErrKeyConflict", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d of %d concurrent rotations from generation 1 won, want exactly 1", wins, n)
	}
	succ, err := s.Successors(ctx, u.ID)
	if err != nil || len(succ) != 1 {
		t.Fatalf("Successors = %q, %v; want exactly the winner's", succ, err)
	}
	got, err := s.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := "wk" + string(succ[0][1:]); string(got.WrappedKey) != want {
		t.Errorf("wrapped key = %q, want the winner's %q", got.WrappedKey, want)
	}
	if g, err := s.KeyGeneration(ctx, u.ID); err != nil || g != 2 {
		t.Errorf("KeyGeneration = %d, %v; want 2", g, err)
	}
}

// TestUpdateKeysGenerationUnknown: an account from before key generations
// were kept accepts the first stated generation and checks from then on.
func testUpdateKeysGenerationUnknown(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	h.ForgetKeyGeneration(t, s, u.ID)
	if g, err := s.KeyGeneration(ctx, u.ID); err != nil || g != 0 {
		t.Fatalf("KeyGeneration(legacy) = %d, %v; want 0 (unknown)", g, err)
	}
	if _, err := s.UpdateKeys(ctx, u.ID, server.KeyUpdate{WrappedKey: []byte("wk5"), AddSuccessor: []byte("s5"), BaseGeneration: 4, Generation: 5}, false, "", nil); err != nil {
		t.Fatalf("first rotation of a legacy account = %v, want nil", err)
	}
	if _, err := s.UpdateKeys(ctx, u.ID, server.KeyUpdate{WrappedKey: []byte("x"), AddSuccessor: []byte("x"), BaseGeneration: 4, Generation: 5}, false, "", nil); !errors.Is(err, server.ErrKeyConflict) {
		t.Errorf("second rotation from 4 = %v, want server.ErrKeyConflict", err)
	}
	if _, err := s.UpdateKeys(ctx, 9999, server.KeyUpdate{WrappedKey: []byte("x"), BaseGeneration: 1, Generation: 1}, false, "", nil); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("UpdateKeys(unknown user, generation) = %v, want server.ErrNotFound", err)
	}
	if g, _ := s.KeyGeneration(ctx, u.ID); g != 5 {
		t.Errorf("KeyGeneration = %d, want 5", g)
	}
}

package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"cipherleaf.dev/server"
)

func testTwoFactor(t *testing.T, h Harness) {
	s := h.Open(t, Options{})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	bob, _ := newUser(t, s, "bob")

	tf, err := s.TwoFactor(ctx, u.ID)
	if err != nil || tf.Enabled() || tf.Pending != nil || tf.CodesLeft != 0 {
		t.Fatalf("TwoFactor(new) = %+v, %v, want zero", tf, err)
	}
	if ok, err := s.UseTOTPStep(ctx, u.ID, 5); ok || err != nil {
		t.Fatalf("UseTOTPStep before enrolment = %v, %v, want false", ok, err)
	}
	if err := s.SetTwoFactorPending(ctx, u.ID, []byte("p1")); err != nil {
		t.Fatal(err)
	}
	if err := s.SetTwoFactorPending(ctx, u.ID, []byte("p2")); err != nil {
		t.Fatal(err)
	}
	if err := s.ConfirmTwoFactor(ctx, u.ID, []byte("p1"), 100, nil); !errors.Is(err, server.ErrConflict) {
		t.Fatalf("ConfirmTwoFactor(replaced pending) = %v, want server.ErrConflict", err)
	}
	codes := [][]byte{[]byte("c1"), []byte("c2")}
	if err := s.ConfirmTwoFactor(ctx, u.ID, []byte("p2"), 100, codes); err != nil {
		t.Fatal(err)
	}
	tf, _ = s.TwoFactor(ctx, u.ID)
	if !bytes.Equal(tf.Secret, []byte("p2")) || tf.Pending != nil || tf.LastStep != 100 || tf.CodesLeft != 2 {
		t.Fatalf("TwoFactor(confirmed) = %+v", tf)
	}
	if err := s.ConfirmTwoFactor(ctx, u.ID, []byte("p2"), 101, codes); !errors.Is(err, server.ErrConflict) {
		t.Fatalf("second ConfirmTwoFactor = %v, want server.ErrConflict", err)
	}

	steps := []struct {
		step int64
		want bool
	}{{100, false}, {99, false}, {101, true}, {101, false}, {103, true}, {102, false}}
	for _, st := range steps {
		if ok, err := s.UseTOTPStep(ctx, u.ID, st.step); ok != st.want || err != nil {
			t.Errorf("UseTOTPStep(%d) = %v, %v, want %v", st.step, ok, err, st.want)
		}
	}
	uses := []struct {
		id   int64
		hash string
		want bool
	}{{bob.ID, "c1", false}, {u.ID, "c1", true}, {u.ID, "c1", false}, {u.ID, "zz", false}}
	for _, us := range uses {
		if ok, err := s.UseRecoveryCode(ctx, us.id, []byte(us.hash)); ok != us.want || err != nil {
			t.Errorf("UseRecoveryCode(%d, %s) = %v, %v, want %v", us.id, us.hash, ok, err, us.want)
		}
	}
	if tf, _ = s.TwoFactor(ctx, u.ID); tf.CodesLeft != 1 {
		t.Errorf("CodesLeft = %d, want 1", tf.CodesLeft)
	}
	if err := s.ResetTwoFactorByName(ctx, "nobody"); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("ResetTwoFactorByName(nobody) = %v, want server.ErrNotFound", err)
	}
	if err := s.ResetTwoFactorByName(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if tf, _ = s.TwoFactor(ctx, u.ID); tf.Enabled() || tf.CodesLeft != 0 {
		t.Errorf("TwoFactor(reset) = %+v, want zero", tf)
	}
	if err := s.SetTwoFactorPending(ctx, 9999, []byte("p")); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("SetTwoFactorPending(no user) = %v, want server.ErrNotFound", err)
	}
}

package core_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fakeremote"
)

func TestRepin(t *testing.T) {
	ctx := context.Background()
	oldPin := "sha256:" + strings.Repeat("00", 32)
	newPin := "sha256:" + strings.Repeat("ab", 32)
	thirdPin := "sha256:" + strings.Repeat("cd", 32)
	tests := []struct {
		name    string
		present string // what the server presents when Repin runs
		confirm string // what the user confirmed
		wantErr error
		wantPin string
	}{
		{"confirmed certificate", newPin, newPin, nil, newPin},
		{"changed again since shown", thirdPin, newPin, core.ErrCertificateChanged, oldPin},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakeremote.New()
			srv.Fingerprint = oldPin
			dir := t.TempDir()
			a := device(t, srv, dir)
			register(t, a, srv, "rita", "pw")
			create(t, a, "kept", "typed before the change")
			srv.Fingerprint = newPin
			if _, err := a.Sync(ctx); !errors.Is(err, core.ErrCertificateChanged) {
				t.Fatalf("Sync = %v, want ErrCertificateChanged", err)
			}
			srv.Fingerprint = tc.present
			err := a.Repin(ctx, tc.confirm)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Repin(%s) = %v, want %v", tc.confirm, err, tc.wantErr)
			}
			if got := a.Account().Fingerprint; got != tc.wantPin {
				t.Errorf("Account().Fingerprint = %s, want %s", got, tc.wantPin)
			}
			_, err = a.Sync(ctx)
			if tc.wantErr != nil {
				if !errors.Is(err, core.ErrCertificateChanged) {
					t.Errorf("Sync after a refused re-pin = %v, want ErrCertificateChanged", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Sync after Repin: %v", err)
			}
			if st := a.Status(); st.Pending != 0 {
				t.Errorf("pending after sync = %d, want 0", st.Pending)
			}
			// The pin is stored: a restart of the app keeps trusting it.
			a.Close()
			b := device(t, srv, dir)
			if got := b.Account().Fingerprint; got != newPin {
				t.Errorf("after reopening, Fingerprint = %s, want %s", got, newPin)
			}
		})
	}
}

func TestRepinWithoutAccount(t *testing.T) {
	srv := fakeremote.New()
	a := device(t, srv, t.TempDir())
	if err := a.Repin(context.Background(), srv.Fingerprint); !errors.Is(err, core.ErrNoAccount) {
		t.Fatalf("Repin without an account = %v, want ErrNoAccount", err)
	}
}

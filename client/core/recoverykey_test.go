package core_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/shared/cryptobox"
)

// recoverOn recovers user with key on a fresh device and returns it.
func recoverOn(t *testing.T, srv *fakeremote.Server, user, key, newPW string) (*core.Core, error) {
	t.Helper()
	d := device(t, srv, t.TempDir())
	err := d.Recover(context.Background(), core.RecoverInput{ServerURL: testURL, Pin: srv.Fingerprint, Username: user, RecoveryKey: key, NewPassword: []byte(newPW)})
	return d, err
}

// generationOnServer is the key generation note id is sealed under on srv.
func generationOnServer(srv *fakeremote.Server, user, id string) byte {
	_, blob, _, _ := srv.Note(user, id)
	return blob[4]
}

func TestNewRecoveryKey(t *testing.T) {
	srv := fakeremote.New()
	a := device(t, srv, t.TempDir())
	oldKey := register(t, a, srv, "nina", "pw")
	create(t, a, "one", "first")
	create(t, a, "two", "second")
	mustSync(t, a)
	b := device(t, srv, t.TempDir()) // signed in with the password only
	login(t, b, srv, "nina", "pw")
	ctx := context.Background()

	if _, err := b.NewRecoveryKey(ctx, []byte("nope")); !errors.Is(err, core.ErrWrongPassword) {
		t.Fatalf("NewRecoveryKey(wrong password) = %v, want ErrWrongPassword", err)
	}
	newKey, err := b.NewRecoveryKey(ctx, []byte("pw"))
	if err != nil {
		t.Fatalf("NewRecoveryKey: %v", err)
	}
	if _, err := cryptobox.ParseRecoveryKey(newKey); err != nil || newKey == oldKey {
		t.Fatalf("NewRecoveryKey = %q (%v), want a fresh printed recovery key", newKey, err)
	}
	// B's backups now open with the new key (B holds its recovery wrap).
	backup := filepath.Join(t.TempDir(), "b.clb")
	if err := b.ExportEncrypted(backup); err != nil {
		t.Fatal(err)
	}
	// The new recovery key is a remedy (SPEC §3.1 L4): A was signed out.
	// Signed in again, A's rotation must not bring the old key back.
	if _, err := a.Sync(ctx); !errors.Is(err, core.ErrSessionExpired) {
		t.Fatalf("A's sync after B's remedy = %v, want %v", err, core.ErrSessionExpired)
	}
	login(t, a, srv, "nina", "pw")
	if err := a.RotateKey(ctx); err != nil {
		t.Fatalf("RotateKey after a new recovery key: %v", err)
	}
	mustSync(t, a)

	if _, err := recoverOn(t, srv, "nina", oldKey, "x"); !errors.Is(err, core.ErrWrongRecoveryKey) {
		t.Fatalf("Recover(old key) = %v, want ErrWrongRecoveryKey", err)
	}
	d, err := recoverOn(t, srv, "nina", strings.ToLower(newKey), "pw2")
	if err != nil {
		t.Fatalf("Recover(new key): %v", err)
	}
	if got := bodies(t, d); got["one"] != "first" || got["two"] != "second" {
		t.Errorf("notes after recovering with the new key = %v", got)
	}
	if n, err := d.Import(backup, []byte(newKey)); err != nil || n != 0 {
		t.Errorf("Import(B's backup, new key) = %d, %v; want 0 new notes, nil", n, err)
	}
}

// TestRotateFromLoginOnlyDevice: a device that only signed in rotates twice;
// devices offline through both rotations catch up, one of them rotates
// again from the newest key, and the original recovery key still opens
// every note.
func TestRotateFromLoginOnlyDevice(t *testing.T) {
	srv := fakeremote.New()
	a := device(t, srv, t.TempDir())
	rk := register(t, a, srv, "olga", "pw")
	for _, title := range []string{"a", "b", "c"} {
		create(t, a, title, "body "+title)
	}
	mustSync(t, a)
	c := device(t, srv, t.TempDir()) // signs in, then stays offline
	login(t, c, srv, "olga", "pw")
	b := device(t, srv, t.TempDir())
	login(t, b, srv, "olga", "pw")
	ctx := context.Background()

	for gen := byte(2); gen <= 3; gen++ {
		if err := b.RotateKey(ctx); err != nil {
			t.Fatalf("RotateKey to generation %d on a login-only device: %v", gen, err)
		}
		mustSync(t, b)
		for _, id := range idsOf(b) {
			if g := generationOnServer(srv, "olga", id); g != gen {
				t.Fatalf("note %s under generation %d, want %d", id, g, gen)
			}
		}
	}
	create(t, b, "d", "body d") // sealed under generation 3

	// C missed both rotations: it walks the chain and reads everything.
	mustSync(t, b)
	mustSync(t, c)
	if got := bodies(t, c); len(got) != 4 || got["d"] != "body d" || got["a"] != "body a" {
		t.Fatalf("C after missing two rotations = %v", got)
	}
	// A missed them too and rotates without syncing first: it must rotate
	// from generation 3, not fork the chain from generation 1.
	if err := a.RotateKey(ctx); err != nil {
		t.Fatalf("RotateKey on a device two rotations behind: %v", err)
	}
	mustSync(t, a) // pushes its re-sealed notes, pulls "d" under generation 3
	mustSync(t, a) // re-seals "d" (SPEC §8, rotation progress)
	if n, conflicts := len(a.List()), a.Conflicts(); n != 4 || len(conflicts) != 0 {
		t.Errorf("A after its rotation: %d notes, conflicts %v; want 4, none", n, conflicts)
	}
	for _, id := range idsOf(a) {
		if g := generationOnServer(srv, "olga", id); g != 4 {
			t.Errorf("note %s under generation %d after A's rotation, want 4", id, g)
		}
	}
	for _, dev := range []*core.Core{b, c} {
		mustSync(t, dev)
		if n := len(dev.List()); n != 4 {
			t.Errorf("a device after the third rotation has %d notes, want 4", n)
		}
	}
	// The recovery wrap still holds generation 1: recovery walks 1 → 4.
	d, err := recoverOn(t, srv, "olga", rk, "pw2")
	if err != nil {
		t.Fatalf("Recover with the original key after three rotations: %v", err)
	}
	if got := bodies(t, d); len(got) != 4 || got["a"] != "body a" || got["d"] != "body d" {
		t.Errorf("recovered notes = %v, want all 4", got)
	}
	// The recovery republished the newest wraps: the password opens it and
	// a second recovery needs no walk.
	e := device(t, srv, t.TempDir())
	login(t, e, srv, "olga", "pw2")
	if n := len(e.List()); n != 4 {
		t.Errorf("device signed in after recovery has %d notes, want 4", n)
	}
	if _, err := recoverOn(t, srv, "olga", rk, "pw3"); err != nil {
		t.Errorf("second Recover: %v", err)
	}
}

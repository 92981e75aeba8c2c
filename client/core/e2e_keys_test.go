package core_test

import (
	"context"
	"errors"
	"testing"

	"cipherleaf.dev/client/core"
)

// TestE2ERotationsAndNewRecoveryKey runs on the real cipherleafd: a
// login-only device rotates twice, an offline device catches up through
// both successors, the original recovery key recovers every note, and a
// new recovery key replaces it.
func TestE2ERotationsAndNewRecoveryKey(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	a := realDevice(t, t.TempDir())
	rk := realRegister(t, a, s, "rotator", "pw")
	for _, title := range []string{"a", "b", "c"} {
		create(t, a, title, "body "+title)
	}
	mustSync(t, a)
	c := realDevice(t, t.TempDir()) // offline through both rotations
	realLogin(t, c, s, "rotator", "pw")
	b := realDevice(t, t.TempDir())
	realLogin(t, b, s, "rotator", "pw")
	for range 2 {
		if err := b.RotateKey(ctx); err != nil {
			t.Fatalf("RotateKey on a login-only device: %v", err)
		}
		mustSync(t, b)
	}
	create(t, b, "d", "body d")
	mustSync(t, b)
	mustSync(t, c)
	if got := bodies(t, c); len(got) != 4 || got["a"] != "body a" || got["d"] != "body d" {
		t.Fatalf("offline device after two rotations = %v", got)
	}

	d := realDevice(t, t.TempDir())
	if err := d.Recover(ctx, core.RecoverInput{ServerURL: s.URL, Pin: s.Fingerprint, Username: "rotator", RecoveryKey: rk, NewPassword: []byte("pw2")}); err != nil {
		t.Fatalf("Recover with the original key after two rotations: %v", err)
	}
	if got := bodies(t, d); len(got) != 4 || got["c"] != "body c" || got["d"] != "body d" {
		t.Fatalf("recovered notes = %v", got)
	}

	newKey, err := d.NewRecoveryKey(ctx, []byte("pw2"))
	if err != nil {
		t.Fatalf("NewRecoveryKey: %v", err)
	}
	e := realDevice(t, t.TempDir())
	err = e.Recover(ctx, core.RecoverInput{ServerURL: s.URL, Pin: s.Fingerprint, Username: "rotator", RecoveryKey: rk, NewPassword: []byte("x")})
	if !errors.Is(err, core.ErrWrongRecoveryKey) {
		t.Fatalf("Recover with the replaced key = %v, want ErrWrongRecoveryKey", err)
	}
	if err := e.Recover(ctx, core.RecoverInput{ServerURL: s.URL, Pin: s.Fingerprint, Username: "rotator", RecoveryKey: newKey, NewPassword: []byte("pw3")}); err != nil {
		t.Fatalf("Recover with the new key: %v", err)
	}
	if got := bodies(t, e); len(got) != 4 || got["a"] != "body a" || got["d"] != "body d" {
		t.Errorf("notes after recovering with the new key = %v", got)
	}
}

package core_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fakeremote"
)

// backupWraps exports a backup of c and reports which wraps it carries.
func backupWraps(t *testing.T, c *core.Core) (path string, hasRecovery bool, successors int) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "backup.clb")
	if err := c.ExportEncrypted(path); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		RecoveryWrappedKey []byte   `json:"recovery_wrapped_key"`
		Successors         [][]byte `json:"successors"`
	}
	if err := json.Unmarshal(raw[bytes.IndexByte(raw, '\n')+1:], &f); err != nil {
		t.Fatal(err)
	}
	return path, f.RecoveryWrappedKey != nil, len(f.Successors)
}

// TestBackupCarriesOnlyValidWraps: a backup carries the password wrap made
// at export and the recovery wrap only when the exporting device made it
// at the current generation, never a successor (SPEC §3.1 L7, §9). So a
// recovery key that was replaced opens no backup written afterwards, on
// any device.
func TestBackupCarriesOnlyValidWraps(t *testing.T) {
	srv := fakeremote.New()
	ctx := context.Background()
	a := device(t, srv, t.TempDir())
	rk1 := register(t, a, srv, "uma", "pw")
	create(t, a, "one", "first")
	mustSync(t, a)
	b := device(t, srv, t.TempDir())
	login(t, b, srv, "uma", "pw")

	restores := 0
	restore := func(t *testing.T, path, secret string) error {
		t.Helper()
		restores++
		fresh := device(t, srv, t.TempDir())
		register(t, fresh, srv, fmt.Sprintf("restore%d", restores), "pw9")
		_, err := fresh.Import(path, []byte(secret))
		return err
	}

	p, rec, succ := backupWraps(t, a)
	if !rec || succ != 0 {
		t.Fatalf("backup after register: recovery wrap %t, %d successors; want true, 0", rec, succ)
	}
	if err := restore(t, p, rk1); err != nil {
		t.Errorf("restore with the recovery key = %v, want nil", err)
	}
	if _, rec, _ := backupWraps(t, b); rec {
		t.Errorf("backup of a device that did not make the recovery key carries a recovery wrap")
	}

	// A new recovery key is a remedy: rotate without successor.
	rk2, err := a.NewRecoveryKey(ctx, []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	create(t, a, "two", "after the new recovery key")
	mustSync(t, a)
	p, rec, succ = backupWraps(t, a)
	if !rec || succ != 0 {
		t.Fatalf("backup after a new recovery key: recovery wrap %t, %d successors; want true, 0", rec, succ)
	}
	if err := restore(t, p, rk2); err != nil {
		t.Errorf("restore with the new recovery key = %v, want nil", err)
	}
	if err := restore(t, p, rk1); !errors.Is(err, core.ErrWrongPassword) {
		t.Errorf("restore with the replaced recovery key = %v, want %v", err, core.ErrWrongPassword)
	}
	if err := restore(t, p, "pw"); err != nil {
		t.Errorf("restore with the password = %v, want nil", err)
	}

	// The other device was signed out; signed in again, its backups carry
	// no recovery wrap at all, so the replaced key opens none of them.
	if _, err := b.Sync(ctx); !errors.Is(err, core.ErrSessionExpired) {
		t.Fatalf("other device's sync after the remedy = %v, want %v", err, core.ErrSessionExpired)
	}
	login(t, b, srv, "uma", "pw")
	p, rec, _ = backupWraps(t, b)
	if rec {
		t.Errorf("other device's backup after the remedy carries a recovery wrap")
	}
	if err := restore(t, p, rk1); err == nil {
		t.Errorf("restore of the other device's backup with the replaced recovery key succeeded")
	}

	// A routine rotation keeps the recovery key but not this device's wrap
	// of it at the current generation: the backup omits it.
	if err := a.RotateKey(ctx); err != nil {
		t.Fatal(err)
	}
	if _, rec, succ := backupWraps(t, a); rec || succ != 0 {
		t.Errorf("backup after a routine rotation: recovery wrap %t, %d successors; want false, 0", rec, succ)
	}
}

package vault

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// TestDiskFullLosesNothing fills the vault for real (SQLite's max_page_count
// makes writes fail with SQLITE_FULL, as a full disk does): the failed write
// is reported as disk-full, nothing of it lands, everything before it stays,
// and the same write succeeds once there is room again.
func TestDiskFullLosesNothing(t *testing.T) {
	ctx := context.Background()
	v, err := Open(ctx, filepath.Join(t.TempDir(), "vault.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	id := func(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }
	put := func(i int, size int) error {
		return v.Update(ctx, func(tx *Tx) error {
			n := Note{ID: id(i), Rev: 1, Envelope: bytes.Repeat([]byte{byte(i)}, size), Gen: 1, Op: OpPut}
			if err := tx.PutNote(n); err != nil {
				return err
			}
			return tx.Queue(n.ID, OpPut)
		})
	}
	check := func(wantNotes int) {
		t.Helper()
		n, err := v.PendingCount(ctx)
		if err != nil || n != wantNotes {
			t.Errorf("PendingCount = %d, %v; want %d", n, err, wantNotes)
		}
		err = v.View(ctx, func(tx *Tx) error {
			for i := 1; i <= wantNotes; i++ {
				got, err := tx.Note(id(i))
				if err != nil {
					return fmt.Errorf("note %d: %w", i, err)
				}
				size := 2048
				if i == 4 {
					size = 1 << 20
				}
				if !bytes.Equal(got.Envelope, bytes.Repeat([]byte{byte(i)}, size)) {
					return fmt.Errorf("note %d: envelope changed", i)
				}
			}
			if _, err := tx.Note(id(wantNotes + 1)); err == nil {
				return fmt.Errorf("note %d exists, want it absent", wantNotes+1)
			}
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	}
	for i := 1; i <= 3; i++ {
		if err := put(i, 2048); err != nil {
			t.Fatalf("put note %d: %v", i, err)
		}
	}
	check(3)
	// max_page_count is per connection: the one every Update writes on.
	var pages int
	if err := v.w.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := v.w.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}

	err = put(4, 1<<20)
	if !IsDiskFull(err) {
		t.Fatalf("put on a full vault = %v, want a disk-full error", err)
	}
	check(3)

	if _, err := v.w.ExecContext(ctx, "PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if err := put(4, 1<<20); err != nil {
		t.Fatalf("put after freeing space: %v", err)
	}
	check(4)
}

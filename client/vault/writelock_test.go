package vault

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestUpdateWaitsForAnotherProcess: two Vaults on one file (the app and
// cipherleaf-cli). An Update that reads before it writes is not refused
// with "database is locked" when the other commits meanwhile: it holds the
// write lock from its start, and the other's Update waits for it.
func TestUpdateWaitsForAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	ctx := context.Background()
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	bDone := make(chan error, 1)
	err = a.Update(ctx, func(tx *Tx) error {
		if _, err := tx.Note(batchID(1)); err != ErrNotFound {
			t.Fatalf("Note before anything = %v", err)
		}
		go func() {
			bDone <- b.Update(ctx, func(tx *Tx) error { return tx.PutNote(Note{ID: batchID(2), Rev: 1, Envelope: []byte("b")}) })
		}()
		// B must not commit while A's transaction is open. (If it could,
		// A's write below would be refused: the failure this test is for.)
		select {
		case err := <-bDone:
			t.Errorf("B's Update ended (%v) inside A's transaction", err)
		case <-time.After(300 * time.Millisecond):
		}
		return tx.PutNote(Note{ID: batchID(1), Rev: 1, Envelope: []byte("a")})
	})
	if err != nil {
		t.Fatalf("A's Update: %v", err)
	}
	if err := <-bDone; err != nil {
		t.Fatalf("B's Update after A's: %v", err)
	}
	for _, id := range []string{batchID(1), batchID(2)} {
		err := a.View(ctx, func(tx *Tx) error { _, err := tx.Note(id); return err })
		if err != nil {
			t.Errorf("note %s: %v", id, err)
		}
	}
}

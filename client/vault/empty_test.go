package vault

import (
	"context"
	"testing"
)

func TestHasNotes(t *testing.T) {
	v, _ := openTemp(t)
	has := func() bool {
		t.Helper()
		var any bool
		if err := v.View(context.Background(), func(tx *Tx) error {
			var err error
			any, err = tx.HasNotes()
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return any
	}
	if has() {
		t.Fatal("HasNotes() = true on a new vault")
	}
	if err := v.Update(context.Background(), func(tx *Tx) error {
		return tx.PutNote(Note{ID: batchID(1), Rev: 1, Deleted: true})
	}); err != nil {
		t.Fatal(err)
	}
	if !has() {
		t.Fatal("HasNotes() = false with a tombstone row")
	}
}

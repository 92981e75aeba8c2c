package vault

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

// TestSmallWritesAfterLargeOneDoNotCheckpoint: a transaction larger than
// bgCheckpointBytes starts one background checkpoint; the small commits
// after it (autosaves) start none, or at most one more while the log is
// cut back, instead of one each as when the log file kept its largest
// size.
func TestSmallWritesAfterLargeOneDoNotCheckpoint(t *testing.T) {
	ctx := context.Background()
	v, _ := openTemp(t)
	body := bytes.Repeat([]byte{7}, 2000)
	err := v.Update(ctx, func(tx *Tx) error {
		for i := range 3000 { // about 6 MiB of log
			if err := tx.PutNote(Note{ID: batchID(i), Rev: 1, Envelope: body, Gen: 1}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	v.bg.Wait()
	if n := v.ckpts.Load(); n != 1 {
		t.Fatalf("the large write started %d background checkpoints, want 1", n)
	}
	for i := range 20 {
		err := v.Update(ctx, func(tx *Tx) error {
			return tx.PutNote(Note{ID: batchID(i), Rev: 2, Envelope: []byte(fmt.Sprint(i)), Gen: 1})
		})
		if err != nil {
			t.Fatal(err)
		}
		v.bg.Wait()
	}
	if n := v.ckpts.Load() - 1; n > 1 {
		t.Errorf("20 small writes after it started %d background checkpoints, want at most 1", n)
	}
}

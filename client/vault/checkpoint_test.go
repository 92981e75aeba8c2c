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
		for i := range 10000 { // about 20 MiB of log
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

// TestCheckpointCatchesUpWithWrites: writes that keep coming while a
// background checkpoint copies the log (an import, a script creating notes
// one by one) must not keep the log from starting again. A checkpoint that
// only ran beside the writes never caught up: the log grew to
// autoCheckpointBytes, and cutting that file back took 90-110 ms inside a
// write.
func TestCheckpointCatchesUpWithWrites(t *testing.T) {
	v, _ := openTemp(t)
	env := bytes.Repeat([]byte{7}, 2100)
	n := 0
	write := func() {
		n++
		if err := writeLocal(v, batchID(n), env); err != nil {
			t.Error(err)
		}
	}
	// logFrames returns the frames in the log, and how many of them are
	// in the main file.
	logFrames := func() (log, copied int) {
		var busy int
		if err := v.db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &copied); err != nil {
			t.Fatal(err)
		}
		return log, copied
	}
	// 100 writes while the first pass runs (here, between the passes, so
	// that they certainly come after it).
	v.betweenPasses = func() {
		for range 100 {
			write()
		}
		v.betweenPasses = nil
	}
	for v.ckpts.Load() == 0 {
		write()
	}
	v.bg.Wait()
	write() // starts the log again
	if log, _ := logFrames(); log > 50 {
		t.Errorf("the log holds %d frames after the checkpoint and one write of a few: it did not start again", log)
	}
}

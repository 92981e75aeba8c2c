package vault

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkLocalEdit: one local edit of a note as the core records it, in
// a transaction of its own: the row with its 1.4 KiB envelope, queued.
func BenchmarkLocalEdit(b *testing.B) {
	v, _ := openTemp(b)
	ctx := context.Background()
	env := make([]byte, 1400)
	i := 0
	for b.Loop() {
		i++
		env[0], env[1] = byte(i), byte(i>>8)
		err := v.Update(ctx, func(tx *Tx) error {
			if err := tx.PutNote(Note{ID: batchID(i % 1000), Rev: 1, Envelope: env, Gen: 1}); err != nil {
				return err
			}
			return tx.Queue(batchID(i%1000), OpPut)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAckPuts1000: recording the answer to one pushed batch of 1,000
// new notes (their revisions; the envelopes stay).
func BenchmarkAckPuts1000(b *testing.B) {
	v, _ := openTemp(b)
	ctx := context.Background()
	env := make([]byte, 1400)
	rows := make([]Note, 1000)
	acks := make([]Ack, 1000)
	for i := range rows {
		rows[i] = Note{ID: fmt.Sprintf("22222222-0000-4000-8000-%012d", i), Envelope: env, Gen: 1, Rev: 1}
		acks[i] = Ack{ID: rows[i].ID}
	}
	if err := v.Update(ctx, func(tx *Tx) error { return tx.PutNotes(rows) }); err != nil {
		b.Fatal(err)
	}
	rev := uint64(0)
	for b.Loop() {
		rev++
		for i := range acks {
			acks[i].Rev = rev
		}
		if err := v.Update(ctx, func(tx *Tx) error { return tx.AckPuts(acks) }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDequeue1000: the queue entries of one acknowledged batch of
// 1,000 notes leave a queue of 10,000.
func BenchmarkDequeue1000(b *testing.B) {
	v, _ := openTemp(b)
	ctx := context.Background()
	rows := make([]Note, 10000)
	for i := range rows {
		rows[i] = Note{ID: fmt.Sprintf("22222222-0000-4000-8000-%012d", i), Envelope: []byte("e"), Rev: 1}
	}
	err := v.Update(ctx, func(tx *Tx) error {
		if err := tx.PutNotes(rows); err != nil {
			return err
		}
		for _, r := range rows {
			if err := tx.Queue(r.ID, OpPut); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	items := make([]Queued, 1000)
	for i := range items {
		items[i] = Queued{ID: rows[i].ID, Version: 1}
	}
	for b.Loop() {
		err := v.Update(ctx, func(tx *Tx) error {
			gone, err := tx.DequeueEach(items)
			for i, ok := range gone {
				if !ok {
					return fmt.Errorf("%s not dequeued", items[i].ID)
				}
			}
			if err != nil {
				return err
			}
			for _, q := range items { // back in the queue (at version 1) for the next round
				if err := tx.Queue(q.ID, OpPut); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPutNotes10k: the rows of a first pull of 10,000 notes with
// their 1.4 KiB envelopes and server view, written in one transaction.
func BenchmarkPutNotes10k(b *testing.B) {
	ctx := context.Background()
	rows := make([]Note, 10000)
	server := make([]ServerNote, len(rows))
	for i := range rows {
		env := make([]byte, 1400)
		env[0], env[1] = byte(i), byte(i>>8)
		rows[i] = Note{ID: fmt.Sprintf("22222222-0000-4000-8000-%012d", i), Envelope: env, Gen: 1, Rev: 1, BaseRev: 1, SeenRev: 1}
		server[i] = ServerNote{ID: rows[i].ID, Rev: 1, BlobHash: [32]byte{byte(i)}}
	}
	for b.Loop() {
		b.StopTimer()
		v, _ := openTemp(b)
		b.StartTimer()
		err := v.Update(ctx, func(tx *Tx) error {
			if err := tx.PutNotes(rows); err != nil {
				return err
			}
			return tx.PutServerNotes(server)
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		v.Close()
		b.StartTimer()
	}
}

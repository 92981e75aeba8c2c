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

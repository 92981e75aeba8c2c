package vault

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// writeLocal writes the note id with envelope env and queues it, in a
// transaction of its own, as the core records a local write (which reads
// the row first).
func writeLocal(v *Vault, id string, env []byte) error {
	return v.Update(context.Background(), func(tx *Tx) error {
		if _, err := tx.Note(id); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if err := tx.PutNote(Note{ID: id, Rev: 1, Envelope: env, Gen: 1}); err != nil {
			return err
		}
		return tx.Queue(id, OpPut)
	})
}

// putQueued writes rows in one transaction and, with queue, queues each.
func putQueued(tb testing.TB, v *Vault, rows []Note, queue bool) {
	tb.Helper()
	err := v.Update(context.Background(), func(tx *Tx) error {
		if rows != nil {
			if err := tx.PutNotes(rows); err != nil {
				return err
			}
		}
		for _, r := range rows {
			if !queue {
				break
			}
			if err := tx.Queue(r.ID, OpPut); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkLocalEdit: one local edit of a note as the core records it, in
// a transaction of its own: the row read, written with its 1.4 KiB
// envelope, and queued.
func BenchmarkLocalEdit(b *testing.B) {
	v, _ := openTemp(b)
	env := make([]byte, 1400)
	i := 0
	for b.Loop() {
		i++
		env[0], env[1] = byte(i), byte(i>>8)
		if err := writeLocal(v, batchID(i%1000), env); err != nil {
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
	putQueued(b, v, rows, true)
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

// BenchmarkLocalCreate: one new note written as the app's create does
// (look up the row, write the note with a padded 1 KiB note's envelope,
// queue it), each in a transaction of its own, into a growing vault.
func BenchmarkLocalCreate(b *testing.B) {
	v, _ := openTemp(b)
	env := make([]byte, 2100)
	i := 0
	for b.Loop() {
		i++
		env[0], env[1] = byte(i), byte(i>>8)
		id := batchID(i)
		if err := writeLocal(v, id, env); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPendingAfter1000: a push reading one batch of 1,000 queued new
// notes (with their 2.1 KiB envelopes) out of a queue of 10,000.
func BenchmarkPendingAfter1000(b *testing.B) {
	v, _ := openTemp(b)
	ctx := context.Background()
	env := make([]byte, 2100)
	rows := make([]Note, 10000)
	for i := range rows {
		rows[i] = Note{ID: fmt.Sprintf("22222222-0000-4000-8000-%012d", i), Envelope: env, Gen: 1, Rev: 1}
	}
	putQueued(b, v, rows, true)
	seq := int64(0)
	for b.Loop() {
		err := v.View(ctx, func(tx *Tx) error {
			got, last, err := tx.PendingAfter(seq, 1000)
			if len(got) != 1000 {
				b.Fatalf("read %d rows", len(got))
			}
			seq = last % 9000
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSettle1000: what a push records for one acknowledged batch of
// 1,000 new notes out of 10,000, in one transaction: their queue entries
// leave, their revisions are recorded, and the server's view of them
// written. Note ids are in random order, as UUIDs are.
func BenchmarkSettle1000(b *testing.B) {
	v, _ := openTemp(b)
	ctx := context.Background()
	env := make([]byte, 2100)
	const total = 10000
	id := func(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012d", uint32(i)*2654435761, i) }
	rows := make([]Note, total)
	for i := range rows {
		rows[i] = Note{ID: id(i), Envelope: env, Gen: 1, Rev: 1}
	}
	queue := func() error {
		return v.Update(ctx, func(tx *Tx) error {
			for _, r := range rows {
				if err := tx.Queue(r.ID, OpPut); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := v.Update(ctx, func(tx *Tx) error { return tx.PutNotes(rows) }); err != nil {
		b.Fatal(err)
	}
	if err := queue(); err != nil {
		b.Fatal(err)
	}
	batch := 0
	for b.Loop() {
		if batch == total/1000 {
			b.StopTimer()
			batch = 0
			if err := queue(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		lo := batch * 1000
		batch++
		items := make([]Queued, 1000)
		acks := make([]Ack, 1000)
		server := make([]ServerNote, 1000)
		for i := range items {
			items[i] = Queued{ID: id(lo + i), Version: 1}
			acks[i] = Ack{ID: id(lo + i), Rev: 1}
			server[i] = ServerNote{ID: id(lo + i), Rev: 1}
		}
		err := v.Update(ctx, func(tx *Tx) error {
			if _, err := tx.DequeueEach(items); err != nil {
				return err
			}
			if err := tx.AckPuts(acks); err != nil {
				return err
			}
			return tx.PutServerNotes(server)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

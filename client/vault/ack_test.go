package vault

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"testing"
)

// TestAckPutsMatchesPutNote: AckPuts leaves every row as PutNote of the
// acknowledged row does (rev and base_rev the acknowledged revision,
// seen_rev at least it, no base envelope, the envelope untouched), for run
// lengths around the chunk sizes, and leaves other rows alone.
func TestAckPutsMatchesPutNote(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{0, 1, 2, 127, 128, 129, 300} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			one, _ := openTemp(t)
			many, _ := openTemp(t)
			var rows []Note
			for i := range n + 2 { // the last two are not acknowledged
				r := Note{ID: batchID(i), Rev: uint64(i%4 + 1), Envelope: []byte{byte(i), 1}, Gen: 2, BaseRev: uint64(i % 4), SeenRev: uint64(i%7 + i%2*5)}
				if i%3 == 0 {
					r.BaseEnvelope = []byte{byte(i), 0}
				}
				rows = append(rows, r)
			}
			for _, v := range []*Vault{one, many} {
				if err := v.Update(ctx, func(tx *Tx) error { return tx.PutNotes(rows) }); err != nil {
					t.Fatal(err)
				}
			}
			var acks []Ack
			err := one.Update(ctx, func(tx *Tx) error {
				for _, r := range rows[:n] {
					r.BaseRev, r.SeenRev, r.BaseEnvelope = r.Rev, max(r.SeenRev, r.Rev), nil
					if err := tx.PutNote(r); err != nil {
						return err
					}
					acks = append(acks, Ack{ID: r.ID, Rev: r.Rev})
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := many.Update(ctx, func(tx *Tx) error { return tx.AckPuts(acks) }); err != nil {
				t.Fatal(err)
			}
			n1, _ := dump(t, one)
			n2, _ := dump(t, many)
			if !reflect.DeepEqual(n1, n2) {
				t.Errorf("AckPuts left\n%+v\nPutNote of the acknowledged rows\n%+v", n2, n1)
			}
		})
	}
}

// TestPendingAfterReadsTheQueueInOrder: reading the queue a batch at a
// time from the last position returned yields the whole queue once, in
// queue order (a note queued again keeps its place), and ends with none.
func TestPendingAfterReadsTheQueueInOrder(t *testing.T) {
	ctx := context.Background()
	v, _ := openTemp(t)
	const n = 25
	err := v.Update(ctx, func(tx *Tx) error {
		for i := range n {
			if err := tx.PutNote(Note{ID: batchID(i), Rev: 1, Envelope: []byte{byte(i)}, Gen: 1}); err != nil {
				return err
			}
			if err := tx.Queue(batchID(i), OpPut); err != nil {
				return err
			}
		}
		return tx.Queue(batchID(3), OpPut) // version 2, same place
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{1, 7, n, 100} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			var got []Note
			var seq int64
			for reads := 0; ; reads++ {
				if reads > n+1 {
					t.Fatal("the queue never ends")
				}
				var rows []Note
				err := v.View(ctx, func(tx *Tx) error {
					var err error
					rows, seq, err = tx.PendingAfter(seq, limit)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) > limit {
					t.Fatalf("read %d rows, limit %d", len(rows), limit)
				}
				if len(rows) == 0 {
					break
				}
				got = append(got, rows...)
			}
			if len(got) != n {
				t.Fatalf("read %d queued notes, want %d", len(got), n)
			}
			for i, r := range got {
				wantVersion := int64(1)
				if i == 3 {
					wantVersion = 2
				}
				if r.ID != batchID(i) || r.Op != OpPut || r.Version != wantVersion || !bytes.Equal(r.Envelope, []byte{byte(i)}) {
					t.Errorf("row %d = %+v", i, r)
				}
			}
		})
	}
}

package vault

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
)

func batchID(i int) string { return fmt.Sprintf("11111111-1111-4111-8111-%012d", i) }

// dump returns every note row (with its pending entry) and server note, by id.
func dump(t *testing.T, v *Vault) ([]Note, []ServerNote) {
	t.Helper()
	var notes []Note
	var server []ServerNote
	err := v.View(context.Background(), func(tx *Tx) error {
		var err error
		if notes, err = tx.query(`SELECT ` + noteColumns + ` FROM ` + noteFrom + ` ORDER BY n.id`); err != nil {
			return err
		}
		server, err = tx.ServerNotes()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(server, func(a, b ServerNote) int { return cmpString(a.ID, b.ID) })
	return notes, server
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestBatchWritesMatchSingleWrites: PutNotes, PutServerNotes and
// DequeueEach leave the vault as the per-row writes do, for run lengths
// around the chunk sizes, over rows that exist and rows that do not.
func TestBatchWritesMatchSingleWrites(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{0, 1, 2, 3, 127, 128, 129, 300} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			one, _ := openTemp(t)
			many, _ := openTemp(t)
			// Half the ids exist beforehand, queued at version 1 or 2.
			seed := func(v *Vault) {
				err := v.Update(ctx, func(tx *Tx) error {
					for i := 0; i < n; i += 2 {
						if err := tx.PutNote(Note{ID: batchID(i), Rev: 1, Envelope: []byte("old"), Gen: 1}); err != nil {
							return err
						}
						if err := tx.PutServerNote(ServerNote{ID: batchID(i), Rev: 1, BlobHash: [32]byte{9}}); err != nil {
							return err
						}
						for range 1 + i%3 {
							if err := tx.Queue(batchID(i), OpPut); err != nil {
								return err
							}
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			seed(one)
			seed(many)
			var rows []Note
			var server []ServerNote
			var queued []Queued
			for i := range n {
				row := Note{ID: batchID(i), Rev: uint64(i + 2), Envelope: []byte{byte(i)}, Gen: uint32(i % 3), BaseRev: uint64(i + 1),
					BaseEnvelope: []byte{1, byte(i)}, SeenRev: uint64(i + 2), Deleted: i%5 == 4}
				if i%7 == 6 { // deleted locally: no envelope (an existing one goes)
					row.Envelope, row.Gen = nil, 0
				}
				rows = append(rows, row)
				server = append(server, ServerNote{ID: batchID(i), Rev: uint64(i + 2), Deleted: i%5 == 4, BlobHash: [32]byte{byte(i)}})
				queued = append(queued, Queued{ID: batchID(i), Version: 1})
			}
			var want []bool
			err := one.Update(ctx, func(tx *Tx) error {
				for i := range n {
					if err := tx.PutNote(rows[i]); err != nil {
						return err
					}
					if err := tx.PutServerNote(server[i]); err != nil {
						return err
					}
				}
				for _, q := range queued {
					ok, err := tx.Dequeue(q.ID, q.Version)
					if err != nil {
						return err
					}
					want = append(want, ok)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var got []bool
			err = many.Update(ctx, func(tx *Tx) error {
				if err := tx.PutNotes(rows); err != nil {
					return err
				}
				if err := tx.PutServerNotes(server); err != nil {
					return err
				}
				var err error
				got, err = tx.DequeueEach(queued)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) || n > 0 && !reflect.DeepEqual(got, want) {
				t.Errorf("DequeueEach = %v, Dequeue one by one = %v", got, want)
			}
			n1, s1 := dump(t, one)
			n2, s2 := dump(t, many)
			if !reflect.DeepEqual(n1, n2) || !reflect.DeepEqual(s1, s2) {
				t.Errorf("batch writes left\n%+v\n%+v\nsingle writes\n%+v\n%+v", n2, s2, n1, s1)
			}
		})
	}
}

func TestChunksArePowersOfTwo(t *testing.T) {
	for _, n := range []int{0, 1, 5, 128, 200, 1000} {
		covered := 0
		chunks(n, func(lo, hi int) error {
			size := hi - lo
			if lo != covered || size < 1 || size > maxChunk || size&(size-1) != 0 {
				t.Errorf("chunks(%d): piece [%d, %d) after %d", n, lo, hi, covered)
			}
			covered = hi
			return nil
		})
		if covered != n {
			t.Errorf("chunks(%d) covered %d", n, covered)
		}
	}
}

// TestPutServerNotesLaterWins: an id twice in one run ends as its later
// state, as two PutServerNote calls leave it (a note met twice in a page).
func TestPutServerNotesLaterWins(t *testing.T) {
	v, _ := openTemp(t)
	a := ServerNote{ID: batchID(1), Rev: 1, BlobHash: [32]byte{1}}
	b := ServerNote{ID: batchID(1), Rev: 2, Deleted: true}
	other := ServerNote{ID: batchID(2), Rev: 5, BlobHash: [32]byte{5}}
	if err := v.Update(context.Background(), func(tx *Tx) error { return tx.PutServerNotes([]ServerNote{a, other, b}) }); err != nil {
		t.Fatal(err)
	}
	if _, got := dump(t, v); !reflect.DeepEqual(got, []ServerNote{b, other}) {
		t.Errorf("server notes = %+v, want %+v", got, []ServerNote{b, other})
	}
}

package manifest

import (
	"errors"
	"math/rand/v2"
	"testing"

	"cipherleaf.dev/shared/cryptobox"
)

// change is one argument list of Apply.
type change struct {
	id      string
	rev     uint64
	deleted bool
	blob    []byte
}

// sameAfter applies changes to two copies of st, one with Apply and one
// with ApplyCounted of what counter counted, and fails unless every call
// gives the same error and the states end the same.
func sameAfter(t *testing.T, st *State, counter Counter, changes []change) {
	t.Helper()
	byApply, byCounted := st.Clone(), st.Clone()
	for i, c := range changes {
		want := byApply.Apply(c.id, c.rev, c.deleted, c.blob)
		got := byCounted.ApplyCounted(c.id, c.rev, c.deleted, counter.Count(c.id, c.rev, c.deleted, c.blob))
		if (got == nil) != (want == nil) || got != nil && got.Error() != want.Error() {
			t.Fatalf("change %d: ApplyCounted = %v, Apply = %v", i, got, want)
		}
		if detected(got) != detected(want) {
			t.Fatalf("change %d: ApplyCounted detection %v, Apply %v", i, detected(got), detected(want))
		}
	}
	if byCounted.Digest() != byApply.Digest() || byCounted.LiveDigest() != byApply.LiveDigest() ||
		byCounted.Count() != byApply.Count() || byCounted.LiveCount() != byApply.LiveCount() {
		t.Fatalf("ApplyCounted state %x/%x/%d/%d, Apply %x/%x/%d/%d",
			byCounted.Digest(), byCounted.LiveDigest(), byCounted.Count(), byCounted.LiveCount(),
			byApply.Digest(), byApply.LiveDigest(), byApply.Count(), byApply.LiveCount())
	}
	for _, id := range byApply.IDs() {
		a, _ := byApply.Get(id)
		c, ok := byCounted.Get(id)
		if !ok || a != c {
			t.Fatalf("Get(%q) = %+v, %v after ApplyCounted, %+v after Apply", id, c, ok, a)
		}
	}
}

// detected is the detection kind of err, or nil.
func detected(err error) error {
	for _, kind := range []error{ErrNoteRollback, ErrStateMismatch} {
		if errors.Is(err, kind) {
			return kind
		}
	}
	return nil
}

func TestApplyCountedMatchesApply(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	a := newAccount(t, rng)
	x, y := newID(rng), newID(rng)
	bx, bx2, by := newBlob(rng), newBlob(rng), newBlob(rng)
	other, err := cryptobox.NewDigester(newAccount(t, rng).b)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		keyless bool // a state without a digest key
		foreign bool // counted with another account's digester
		changes []change
	}{
		{name: "new notes", changes: []change{{x, 1, false, bx}, {y, 3, false, by}}},
		{name: "same change twice", changes: []change{{x, 1, false, bx}, {x, 1, false, bx}}},
		{name: "edit then delete", changes: []change{{x, 1, false, bx}, {x, 2, false, bx2}, {x, 3, true, nil}}},
		{name: "tombstone first", changes: []change{{y, 5, true, nil}, {y, 6, false, by}}},
		{name: "other content at a revision", changes: []change{{x, 2, false, bx}, {x, 2, false, bx2}, {x, 2, true, nil}}},
		{name: "rollback", changes: []change{{x, 4, false, bx}, {x, 3, false, bx2}}},
		{name: "revision 0", changes: []change{{x, 0, false, bx}}},
		{name: "tombstone with a blob", changes: []change{{x, 1, true, bx}}},
		{name: "live without a blob", changes: []change{{x, 1, false, nil}}},
		{name: "bad id", changes: []change{{"not-a-uuid", 1, false, bx}, {x, 1, false, bx}}},
		{name: "no digest key", keyless: true, changes: []change{{x, 1, false, bx}}},
		{name: "another digester", foreign: true, changes: []change{{x, 1, false, bx}, {y, 2, true, nil}, {x, 2, false, bx2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newDevice(t, a, rng).st
			if err := st.Apply(y, 1, false, by); err != nil { // a note counted before
				t.Fatal(err)
			}
			if tt.keyless {
				st = NewState(nil, 0)
			}
			counter := st.Counter()
			if tt.foreign {
				counter = Counter{d: other}
			}
			sameAfter(t, st, counter, tt.changes)
		})
	}
}

// FuzzApplyCounted holds ApplyCounted equal to Apply over changes drawn
// from the input: a few ids, revisions and blobs, so that repeats,
// conflicts and rollbacks happen.
func FuzzApplyCounted(f *testing.F) {
	f.Add([]byte{0, 1, 0, 0, 1, 0, 0, 2, 1})
	f.Add([]byte{1, 3, 0, 1, 3, 1, 1, 2, 0, 2, 0, 0})
	f.Add([]byte{2, 2, 2, 2, 2, 3, 0, 0, 4})
	rng := rand.New(rand.NewPCG(13, 14))
	a := newAccount(f, rng)
	ids := []string{newID(rng), newID(rng), "bad id"}
	blobs := [][]byte{nil, newBlob(rng), newBlob(rng)}
	f.Fuzz(func(t *testing.T, in []byte) {
		var changes []change
		for len(in) >= 3 {
			b := in[2]
			changes = append(changes, change{id: ids[int(in[0])%len(ids)], rev: uint64(in[1] % 5), deleted: b&4 != 0, blob: blobs[int(b&3)%len(blobs)]})
			in = in[3:]
		}
		st := newDevice(t, a, rng).st
		sameAfter(t, st, st.Counter(), changes)
	})
}

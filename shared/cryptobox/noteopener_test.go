package cryptobox

import (
	"bytes"
	"errors"
	"testing"
)

// TestNoteOpenerMatchesOpenNote: for envelopes of every generation of the
// bundle, and for every way an open fails (a generation not held, newer or
// retired; a tampered envelope; another location; a malformed id), the
// opener returns what OpenNote returns; after Wipe its keys are zero.
func TestNoteOpenerMatchesOpenNote(t *testing.T) {
	b := testBundle() // generations 3, 2, 1
	loc := Location{UserID: userA, NoteID: noteA, Rev: 7}
	seal := func(ak AccountKey) []byte {
		env, err := sealNoteWithNonce(ak, loc, []byte(`{"v":1,"title":"opener"}`), testBytes("op", NonceSize))
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	tampered := seal(b[1])
	tampered[len(tampered)-3] ^= 0x10
	cases := []struct {
		name string
		loc  Location
		env  []byte
	}{
		{"current generation", loc, seal(b[0])},
		{"older generation", loc, seal(b[1])},
		{"oldest generation", loc, seal(b[2])},
		{"newer generation", loc, seal(AccountKey{Gen: 4, Key: *testKey("tb-4")})},
		{"retired generation", loc, seal(AccountKey{Gen: 0, Key: *testKey("tb-0")})},
		{"tampered", loc, tampered},
		{"another revision", Location{UserID: userA, NoteID: noteA, Rev: 8}, seal(b[0])},
		{"malformed note id", Location{UserID: userA, NoteID: "note-1", Rev: 7}, seal(b[0])},
		{"short envelope", loc, []byte{1, 0, 0, 0, 3}},
	}
	op, err := NewNoteOpener(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want, werr := OpenNote(b, tc.loc, tc.env)
			got, err := op.OpenTo(make([]byte, 0, 4096), tc.loc, tc.env)
			if !bytes.Equal(got, want) || !sameErr(err, werr) {
				t.Errorf("OpenTo() = %q, %v; OpenNote: %q, %v", got, err, want, werr)
			}
		})
	}
	op.Wipe()
	for i, prk := range op.prks {
		if prk != [32]byte{} {
			t.Errorf("key %d not zero after Wipe", i)
		}
	}
}

// sameErr reports whether a and b are both nil, or say the same and wrap
// the same innermost error.
func sameErr(a, b error) bool {
	if a == nil || b == nil {
		return a == b
	}
	root := b
	for errors.Unwrap(root) != nil {
		root = errors.Unwrap(root)
	}
	return a.Error() == b.Error() && errors.Is(a, root)
}

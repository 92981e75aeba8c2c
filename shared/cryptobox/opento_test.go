package cryptobox

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// TestOpenNoteTo: with room in the buffer, the payload is decrypted into
// it and equals OpenNote's; clearing the payload leaves the whole buffer
// zero, and so does a failed open; without room a new buffer is used.
func TestOpenNoteTo(t *testing.T) {
	b := testBundle()
	loc := Location{UserID: userA, NoteID: noteA, Rev: 5}
	for _, tc := range []struct {
		n, room int
		aliased bool
	}{
		{0, 4096, true}, {507, 512, true}, {1000, 4096, true}, {1000, 100, false}, {70000, 1 << 17, true},
	} {
		t.Run(fmt.Sprint(tc.n, "/", tc.room), func(t *testing.T) {
			payload := testBytes("payload", tc.n)
			env, err := SealNote(b, loc, payload)
			if err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, tc.room)
			got, err := OpenNoteTo(buf, b, loc, env)
			if err != nil || !bytes.Equal(got, payload) {
				t.Fatalf("OpenNoteTo() = %d bytes, %v, want %d bytes", len(got), err, tc.n)
			}
			if aliased := cap(got) > 0 && &got[:1][0] == &buf[lengthBytes]; aliased != tc.aliased {
				t.Errorf("payload in the buffer = %v, want %v", aliased, tc.aliased)
			}
			clear(got)
			if !bytes.Equal(buf, make([]byte, tc.room)) {
				t.Error("buffer not all zeros once the payload is cleared")
			}
			env[len(env)-1] ^= 1
			if _, err := OpenNoteTo(buf, b, loc, env); !errors.Is(err, ErrOpen) {
				t.Fatalf("OpenNoteTo(tampered) = %v, want ErrOpen", err)
			}
			if !bytes.Equal(buf, make([]byte, tc.room)) {
				t.Error("buffer not all zeros after a failed open")
			}
		})
	}
}

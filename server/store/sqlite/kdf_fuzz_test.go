package sqlite

import (
	"reflect"
	"testing"
)

// FuzzDecodeKDF: the stored KDF decoder either fails or yields parameters
// that encode and decode back to themselves.
func FuzzDecodeKDF(f *testing.F) {
	f.Add(`{"alg":"argon2id","v":19,"t":3,"m":65536,"p":4,"salt":"BwcHBwcHBwcHBwcHBwcHBw=="}`)
	f.Add(`{"p":300}`)
	f.Add(`null`)
	f.Add(`{"salt":"!"}`)
	f.Fuzz(func(t *testing.T, s string) {
		k, err := decodeKDF(s)
		if err != nil {
			return
		}
		enc, err := encodeKDF(k)
		if err != nil {
			t.Fatalf("encodeKDF(%+v): %v", k, err)
		}
		k2, err := decodeKDF(enc)
		if err != nil || !reflect.DeepEqual(k, k2) {
			t.Fatalf("round trip %q -> %+v -> %q -> %+v, %v", s, k, enc, k2, err)
		}
	})
}

package httpapi

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

// FuzzDecodeBody: decodeJSON (with its fast path) succeeds exactly when
// encoding/json does, with the same value, for the hot request shapes,
// and what it decoded stays the same when the next body is read.
func FuzzDecodeBody(f *testing.F) {
	blob := bytes.Repeat([]byte{0xfb, 0xff, 0x01}, 40)
	for _, s := range [][]byte{
		seedJSON(protocol.PutNoteRequest{BaseRev: 7, Blob: blob}),
		seedJSON(protocol.BatchRequest{Ops: []protocol.BatchOp{{Op: "put", ID: noteID(1), Blob: blob}, {Op: "delete", ID: noteID(2), BaseRev: 9}},
			Manifest: &protocol.PutManifestRequest{BaseVersion: 4, Blob: blob}}),
		[]byte(`{"Base_Rev":1,"blob":"eA=="}`), []byte(`{"base_rev":1,"base_rev":2}`), []byte(`{"blob":"a\/8="}`),
		[]byte(`{"ops":[null]}`), []byte(`{"base_rev":1}{}`), []byte(``),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, mk := range []func() any{
			func() any { return &protocol.PutNoteRequest{} },
			func() any { return &protocol.BatchRequest{} },
		} {
			got, want := mk(), mk()
			err := decodeJSON(bytes.NewReader(b), got)
			// The next body, read into the same pooled buffer (bodyBuffers),
			// overwrites b's bytes there: got must not share them.
			_ = decodeJSON(bytes.NewReader(append(bytes.Repeat([]byte{' '}, len(b)), "{}"...)), mk())
			werr := json.Unmarshal(b, want)
			if (err == nil) != (werr == nil) || (err == nil && !reflect.DeepEqual(got, want)) {
				t.Fatalf("decodeJSON(%q) into %T = %+v, %v; encoding/json = %+v, %v", b, got, got, err, want, werr)
			}
		}
	})
}

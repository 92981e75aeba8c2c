package httpapi

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

// fastCases are bodies as json.Marshal writes them: the fast decoders must
// take every one.
func fastCases() map[string][]byte {
	blob := bytes.Repeat([]byte{0xfb, 0xff, 0x01}, 400) // base64 with '+' and '/'
	return map[string][]byte{
		"put":           seedJSON(protocol.PutNoteRequest{BaseRev: 7, Blob: blob}),
		"put create":    seedJSON(protocol.PutNoteRequest{BaseRev: 0, Blob: []byte("x")}),
		"put max rev":   seedJSON(protocol.PutNoteRequest{BaseRev: 1<<64 - 1, Blob: []byte("xy")}),
		"put empty":     seedJSON(protocol.PutNoteRequest{Blob: []byte{}}),
		"put no blob":   seedJSON(protocol.PutNoteRequest{BaseRev: 3}),
		"put null blob": []byte(`{"blob":null}`),
		"put spaced":    []byte(" \t\r\n{ \"base_rev\" : 12 ,\n \"blob\" : \"eHl6\" }\n"),
		"batch":         seedJSON(protocol.BatchRequest{Ops: []protocol.BatchOp{{Op: "put", ID: noteID(1), Blob: blob}, {Op: "delete", ID: noteID(2), BaseRev: 9}}}),
		"batch atomic":  seedJSON(protocol.BatchRequest{Ops: []protocol.BatchOp{{Op: "put", ID: noteID(1), BaseRev: 1, Blob: []byte("b")}}, Manifest: &protocol.PutManifestRequest{BaseVersion: 4, Blob: blob}}),
		"batch no ops":  []byte(`{"ops":[]}`),
		"batch nothing": []byte(`{}`),
		"batch odd op":  []byte(`{"ops":[{"op":"move","id":"not-a-uuid"}],"manifest":{}}`),
	}
}

// slowCases are valid or invalid bodies outside the fast shape: the fast
// decoders must decline each, leaving the answer to encoding/json.
var slowCases = map[string]string{
	"folded key":      `{"Base_Rev":1,"blob":"eA=="}`,
	"unicode fold":    `{"baſe_rev":1}`,
	"duplicate":       `{"base_rev":1,"base_rev":2}`,
	"escaped blob":    `{"blob":"eA\u003d="}`,
	"escaped slash":   `{"blob":"a\/8="}`,
	"nullish":         `{"blob":nul}`,
	"nullx":           `{"blob":nullx}`,
	"null op":         `{"ops":[null]}`,
	"null manifest":   `{"ops":[],"manifest":null}`,
	"unknown key":     `{"base_rev":1,"extra":true}`,
	"leading zero":    `{"base_rev":01}`,
	"fraction":        `{"base_rev":1.0}`,
	"exponent":        `{"base_rev":1e2}`,
	"negative":        `{"base_rev":-1}`,
	"overflow":        `{"base_rev":18446744073709551616}`,
	"bad base64":      `{"blob":"!!"}`,
	"newline base64":  `{"blob":"eA==\n"}`,
	"trailing":        `{"base_rev":1}{}`,
	"trailing comma":  `{"base_rev":1,}`,
	"not object":      `[]`,
	"top null":        `null`,
	"unterminated":    `{"blob":"eA==`,
	"utf8 in id":      `{"ops":[{"op":"put","id":"é"}]}`,
	"control in id":   "{\"ops\":[{\"op\":\"put\",\"id\":\"a\tb\"}]}",
	"duplicate ops":   `{"ops":[{"op":"put"}],"ops":[{"id":"x"}]}`,
	"ops not array":   `{"ops":{}}`,
	"string rev":      `{"base_rev":"1"}`,
	"empty":           ``,
	"only whitespace": ` `,
}

func TestFastDecodeTakesMarshalled(t *testing.T) {
	for name, b := range fastCases() {
		t.Run(name, func(t *testing.T) {
			var p protocol.PutNoteRequest
			var bt protocol.BatchRequest
			var ok bool
			if strings.HasPrefix(name, "put") {
				ok = fastPutNote(b, &p)
			} else {
				ok = fastBatch(b, &bt)
			}
			if !ok {
				t.Fatalf("fast decode of %s declined; want it taken", b)
			}
			compareFast(t, b)
		})
	}
}

func TestFastDecodeDeclinesTheRest(t *testing.T) {
	for name, s := range slowCases {
		t.Run(name, func(t *testing.T) {
			b := []byte(s)
			if fastPutNote(b, &protocol.PutNoteRequest{}) || fastBatch(b, &protocol.BatchRequest{}) {
				t.Fatalf("fast decode took %q; want it left to encoding/json", s)
			}
			compareFast(t, b)
		})
	}
}

// compareFast checks that each fast decoder, when it takes b, gives what
// encoding/json gives, and that decodeJSON agrees with encoding/json on
// success or failure.
func compareFast(t *testing.T, b []byte) {
	t.Helper()
	check := func(name string, fast func([]byte, any) bool, mk func() any) {
		got, want, viaDecode := mk(), mk(), mk()
		took := fast(b, got)
		werr := json.Unmarshal(b, want)
		if took && (werr != nil || !reflect.DeepEqual(got, want)) {
			t.Fatalf("%s(%q) = %+v; encoding/json = %+v, %v", name, b, got, want, werr)
		}
		if !took && !reflect.DeepEqual(got, mk()) {
			t.Fatalf("%s(%q) declined but changed the value to %+v", name, b, got)
		}
		derr := decodeJSON(bytes.NewReader(b), viaDecode)
		if (derr == nil) != (werr == nil) || (derr == nil && !reflect.DeepEqual(viaDecode, want)) {
			t.Fatalf("decodeJSON(%q) = %+v, %v; encoding/json = %+v, %v", b, viaDecode, derr, want, werr)
		}
	}
	check("fastPutNote", func(b []byte, v any) bool { return fastPutNote(b, v.(*protocol.PutNoteRequest)) },
		func() any { return &protocol.PutNoteRequest{} })
	check("fastBatch", func(b []byte, v any) bool { return fastBatch(b, v.(*protocol.BatchRequest)) },
		func() any { return &protocol.BatchRequest{} })
}

// FuzzFastDecode: on any input the fast decoders either decline or agree
// with encoding/json, and decodeJSON succeeds exactly when encoding/json
// does, with the same value.
func FuzzFastDecode(f *testing.F) {
	for _, b := range fastCases() {
		f.Add(b)
	}
	for _, s := range slowCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		compareFast(t, b)
	})
}

// BenchmarkDecodePutNote compares decoding a 1 KiB note write with the
// fast decoder and with encoding/json.
func BenchmarkDecodePutNote(b *testing.B) {
	body := seedJSON(protocol.PutNoteRequest{BaseRev: 41, Blob: bytes.Repeat([]byte{7}, 1024)})
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v protocol.PutNoteRequest
			if err := decodeJSONSized(bytes.NewReader(body), int64(len(body)), &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v protocol.PutNoteRequest
			dec := json.NewDecoder(bytes.NewReader(body))
			if err := dec.Decode(&v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func seedJSON(v any) []byte { b, _ := json.Marshal(v); return b }
func noteID(i int) string   { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

// encoded is v as a json.Encoder writes it (a newline after each value),
// which is how the server streams a page of changes.
func encoded(v any) []byte {
	var b bytes.Buffer
	json.NewEncoder(&b).Encode(v)
	return b.Bytes()
}

// fastCases are bodies as json.Marshal writes them: the fast decoders must
// take every one.
func fastCases() map[string][]byte {
	blob := bytes.Repeat([]byte{0xfb, 0xff, 0x01}, 400) // base64 with '+' and '/'
	return map[string][]byte{
		"put":                      seedJSON(PutNoteRequest{BaseRev: 7, Blob: blob}),
		"put create":               seedJSON(PutNoteRequest{BaseRev: 0, Blob: []byte("x")}),
		"put max rev":              seedJSON(PutNoteRequest{BaseRev: 1<<64 - 1, Blob: []byte("xy")}),
		"put empty":                seedJSON(PutNoteRequest{Blob: []byte{}}),
		"put no blob":              seedJSON(PutNoteRequest{BaseRev: 3}),
		"put null blob":            []byte(`{"blob":null}`),
		"put spaced":               []byte(" \t\r\n{ \"base_rev\" : 12 ,\n \"blob\" : \"eHl6\" }\n"),
		"batch":                    seedJSON(BatchRequest{Ops: []BatchOp{{Op: "put", ID: noteID(1), Blob: blob}, {Op: "delete", ID: noteID(2), BaseRev: 9}}}),
		"batch atomic":             seedJSON(BatchRequest{Ops: []BatchOp{{Op: "put", ID: noteID(1), BaseRev: 1, Blob: []byte("b")}}, Manifest: &PutManifestRequest{BaseVersion: 4, Blob: blob}}),
		"batch base hash":          seedJSON(BatchRequest{Ops: []BatchOp{{Op: "put", ID: noteID(1), BaseRev: 1, Blob: []byte("b")}}, Manifest: &PutManifestRequest{BaseVersion: 4, BaseHash: strings.Repeat("c3", 32), Blob: blob}}),
		"batch hash first":         []byte(`{"manifest":{"base_hash":"ab","blob":"eA==","base_version":2},"ops":[]}`),
		"batch empty hash":         []byte(`{"ops":[],"manifest":{"base_version":2,"base_hash":"","blob":"eA=="}}`),
		"batch no ops":             []byte(`{"ops":[]}`),
		"batch nothing":            []byte(`{}`),
		"batch odd op":             []byte(`{"ops":[{"op":"move","id":"not-a-uuid"}],"manifest":{}}`),
		"changes":                  seedJSON(ChangesResponse{Changes: []Change{{ID: noteID(1), Rev: 2, Seq: 3, Blob: blob}, {ID: noteID(2), Rev: 5, Seq: 4, Deleted: true}}, Next: 4, More: true}),
		"changes last":             seedJSON(ChangesResponse{Changes: []Change{{ID: noteID(1), Rev: 1, Seq: 1, Blob: []byte("z")}}, Next: 1, Manifest: &Manifest{Version: 9, Blob: blob}}),
		"changes empty":            seedJSON(ChangesResponse{Changes: []Change{}, Next: 7}),
		"changes no manifest blob": []byte(`{"changes":[],"next":0,"more":false,"manifest":{"version":0}}`),
		"answer":                   seedJSON(BatchResponse{Results: []BatchResult{{ID: noteID(1), Status: StatusOK, Rev: 1, Seq: 12}, {ID: noteID(2), Status: StatusOK, Rev: 7, Seq: 13}}, Applied: true, BaseHashChecked: true}),
		"answer refused":           seedJSON(BatchResponse{Results: []BatchResult{{ID: noteID(1), Status: StatusOK}, {ID: "odd id", Status: "pending"}}, Manifest: &Manifest{Version: 5, Blob: blob}}),
		"answer empty":             seedJSON(BatchResponse{Results: []BatchResult{}, Applied: true}),
		"answer as the server":     []byte(`{"results":[{"id":"` + noteID(3) + `","status":"ok","rev":2,"seq":99}],"applied":true,"manifest":{"version":4},"base_hash_checked":false}` + "\n"),
		// As the server streams it: json.Encoder per change, newlines.
		"changes streamed": []byte("{\"changes\":[" + string(encoded(Change{ID: noteID(1), Rev: 1, Seq: 1, Blob: blob})) + "," +
			string(encoded(Change{ID: noteID(2), Rev: 2, Seq: 2, Deleted: true})) + "],\"next\":2,\"more\":false,\"manifest\":" +
			string(encoded(Manifest{Version: 3, Blob: blob})) + "}\n"),
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
	"duplicate hash":  `{"ops":[],"manifest":{"base_hash":"a","base_hash":"b"}}`,
	"escaped hash":    `{"ops":[],"manifest":{"base_hash":"\u0061b"}}`,
	"number hash":     `{"ops":[],"manifest":{"base_hash":12}}`,
	"null hash":       `{"ops":[],"manifest":{"base_hash":null}}`,
	"empty":           ``,
	"only whitespace": ` `,
	"bool as string":  `{"more":"true"}`,
	"bool as number":  `{"changes":[{"deleted":1}]}`,
	"truex":           `{"more":truex}`,
	"null changes":    `{"changes":null}`,
	"null deleted":    `{"changes":[{"deleted":null}]}`,
	"upper TRUE":      `{"more":TRUE}`,
	"conflict answer": `{"results":[{"id":"a","status":"conflict","rev":1,"current":{"id":"a","rev":2,"seq":3}}],"applied":false}`,
	"null results":    `{"results":null,"applied":true}`,
	"null result":     `{"results":[null]}`,
	"twice applied":   `{"applied":true,"applied":false}`,
	"number applied":  `{"applied":1}`,
	"folded status":   `{"results":[{"id":"a","Status":"ok"}]}`,
}

func TestFastDecodeTakesMarshalled(t *testing.T) {
	for name, b := range fastCases() {
		t.Run(name, func(t *testing.T) {
			var v any = &BatchRequest{}
			switch {
			case strings.HasPrefix(name, "put"):
				v = &PutNoteRequest{}
			case strings.HasPrefix(name, "changes"):
				v = &ChangesResponse{}
			case strings.HasPrefix(name, "answer"):
				v = &BatchResponse{}
			}
			if !DecodeFast(b, v) {
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
			if DecodeFast(b, &PutNoteRequest{}) || DecodeFast(b, &BatchRequest{}) || DecodeFast(b, &BatchResponse{}) || DecodeFast(b, &ChangesResponse{}) {
				t.Fatalf("fast decode took %q; want it left to encoding/json", s)
			}
			compareFast(t, b)
		})
	}
}

// compareFast checks that each fast decoder, when it takes b, gives what
// encoding/json gives, and leaves its value alone when it does not.
func compareFast(t *testing.T, b []byte) {
	t.Helper()
	for _, mk := range []func() any{
		func() any { return &PutNoteRequest{} },
		func() any { return &BatchRequest{} },
		func() any { return &BatchResponse{} },
		func() any { return &ChangesResponse{} },
	} {
		got, want := mk(), mk()
		took := DecodeFast(b, got)
		werr := json.Unmarshal(b, want)
		if took && (werr != nil || !reflect.DeepEqual(got, want)) {
			t.Fatalf("DecodeFast(%q) into %T = %+v; encoding/json = %+v, %v", b, got, got, want, werr)
		}
		if !took && !reflect.DeepEqual(got, mk()) {
			t.Fatalf("DecodeFast(%q) into %T declined but changed the value to %+v", b, got, got)
		}
	}
}

// FuzzDecodeFast: on any input the fast decoders either decline or agree
// with encoding/json, and decodeJSON succeeds exactly when encoding/json
// does, with the same value.
func FuzzDecodeFast(f *testing.F) {
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

// BenchmarkDecode compares decoding a 1 KiB note write, a page of 1000
// changes of 1 KiB, a push batch of 1000 sealed notes (1,400 bytes) and
// its answer with DecodeFast and with encoding/json.
func BenchmarkDecode(b *testing.B) {
	blob := bytes.Repeat([]byte{7}, 1024)
	page := ChangesResponse{Next: 1000}
	for i := range 1000 {
		page.Changes = append(page.Changes, Change{ID: noteID(i), Rev: 1, Seq: uint64(i + 1), Blob: blob})
	}
	sealed := bytes.Repeat([]byte{7, 0xfe}, 700) // a sealed 1 KiB note
	batch := BatchRequest{Manifest: &PutManifestRequest{BaseVersion: 9, Blob: blob}}
	for i := range MaxBatchOps {
		batch.Ops = append(batch.Ops, BatchOp{Op: OpPut, ID: noteID(i), Blob: sealed})
	}
	answer := BatchResponse{Applied: true, BaseHashChecked: true}
	for i := range 1000 {
		answer.Results = append(answer.Results, BatchResult{ID: noteID(i), Status: StatusOK, Rev: 1, Seq: uint64(20000 + i)})
	}
	for _, tc := range []struct {
		name string
		body []byte
		mk   func() any
	}{
		{"put-note", seedJSON(PutNoteRequest{BaseRev: 41, Blob: blob}), func() any { return &PutNoteRequest{} }},
		{"changes-1000", seedJSON(page), func() any { return &ChangesResponse{} }},
		{"batch-1000", seedJSON(batch), func() any { return &BatchRequest{} }},
		{"answer-1000", seedJSON(answer), func() any { return &BatchResponse{} }},
	} {
		b.Run(tc.name+"/fast", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !DecodeFast(tc.body, tc.mk()) {
					b.Fatal("declined")
				}
			}
		})
		b.Run(tc.name+"/encoding-json", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := json.Unmarshal(tc.body, tc.mk()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestChangesBlobsCapped: the blobs of a page share one arena, each capped
// at its length, so that appending to one never writes over the next.
func TestChangesBlobsCapped(t *testing.T) {
	page := ChangesResponse{Next: 3, Changes: []Change{
		{ID: noteID(0), Rev: 1, Seq: 1, Blob: []byte("first blob")},
		{ID: noteID(1), Rev: 1, Seq: 2, Blob: []byte("second blob")},
		{ID: noteID(2), Rev: 1, Seq: 3, Blob: []byte("third")},
	}}
	var got ChangesResponse
	if !DecodeFast(seedJSON(page), &got) {
		t.Fatal("DecodeFast declined a page")
	}
	for i := range got.Changes {
		b := got.Changes[i].Blob
		if cap(b) != len(b) {
			t.Errorf("blob %d: cap %d, len %d", i, cap(b), len(b))
		}
		_ = append(b, "XXXXXXXXXXXXXXXX"...)
	}
	if !reflect.DeepEqual(got, page) {
		t.Errorf("after appending to each blob: %+v, want %+v", got, page)
	}
}

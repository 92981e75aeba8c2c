package note

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

var fieldSeeds = []string{
	`"plain title"`, `"line\nbreak \"quoted\" \\ \/ \b\f\r\t"`, `"\u00e9\u4e2d\ud83d\ude00"`,
	`"lone \ud800 surrogate"`, `"\udc00"`, `"\ud800\u0041"`, "\"caf\xc3\xa9\"", "\"bad \xff utf8\"",
	`""`, `null`, `12`, `true`, `["a"]`, `{"a":1}`,
	`"2026-11-29T15:04:05.123456789Z"`, `"2026-11-29T15:04:05+01:00"`, `"not a time"`, `"0000-01-01T00:00:00Z"`,
}

func TestDecodeFieldMatchesJSON(t *testing.T) {
	for _, s := range fieldSeeds {
		t.Run(s, func(t *testing.T) { compareField(t, []byte(s)) })
	}
}

// compareField checks decodeField against json.Unmarshal for a string and
// a time destination, on raw that is a valid JSON value.
func compareField(t *testing.T, raw []byte) {
	t.Helper()
	if !json.Valid(raw) {
		return // decodeField only ever sees members of a valid payload
	}
	for _, mk := range []func() any{
		func() any { s := "keep"; return &s },
		func() any { tm := time.Unix(7, 0); return &tm },
	} {
		got, want := mk(), mk()
		gerr := decodeField(raw, got)
		werr := json.Unmarshal(raw, want)
		if (gerr == nil) != (werr == nil) || (gerr == nil && !reflect.DeepEqual(got, want)) {
			t.Fatalf("decodeField(%q) into %T = %v, %v; json.Unmarshal = %v, %v", raw, got, reflect.ValueOf(got).Elem(), gerr, reflect.ValueOf(want).Elem(), werr)
		}
	}
}

// FuzzDecodeFieldMatchesJSON: for any valid JSON value, decodeField into a
// string or a time gives what json.Unmarshal gives, error or value.
func FuzzDecodeFieldMatchesJSON(f *testing.F) {
	for _, s := range fieldSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		compareField(t, raw)
		// Also as a string literal built from arbitrary bytes.
		if q, err := json.Marshal(string(raw)); err == nil {
			compareField(t, q)
		}
	})
}

// BenchmarkUnmarshal decodes the payload of a 1 KiB note with line breaks.
func BenchmarkUnmarshal(b *testing.B) {
	body := ""
	for len(body) < 1000 {
		body += "lorem ipsum dolor sit amet,\nconsectetur \"adipiscing\" elit\n"
	}
	n := &Note{Title: "groceries", Body: body, Tags: []string{"home", "todo"}, Created: time.Unix(1e9, 5).UTC(), Modified: time.Unix(2e9, 7).UTC()}
	data, err := n.Marshal()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Unmarshal(data); err != nil {
			b.Fatal(err)
		}
	}
}

package apiclient

import (
	"encoding/json"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

func TestPageClaim(t *testing.T) {
	for _, tc := range []struct {
		body string
		next uint64
		more bool
		ok   bool
	}{
		{`{"changes":[],"next":0,"more":false}`, 0, false, true},
		{`{"changes":[{"id":"x","rev":1,"seq":7,"blob":"AAAA"}],"next":7,"more":true}`, 7, true, true},
		{`{"changes":[],"next":42,"more":false,"manifest":{"version":3,"blob":"AAAA"}}`, 42, false, true},
		{`{"changes":[],"next":18446744073709551615,"more":true}`, 18446744073709551615, true, true},
		{`{"changes":[],"next":99999999999999999999,"more":true}`, 0, false, false},
		{`{"changes":[],"next":"7","more":true}`, 0, false, false},
		{`{"changes":[],"next": 7,"more":true}`, 0, false, false},
		{`{"changes":[],"next":7,"more":null}`, 0, false, false},
		{`{"changes":[],"next":7}`, 0, false, false},
		{`{"changes":[],"more":true}`, 0, false, false},
		{``, 0, false, false},
	} {
		t.Run(tc.body, func(t *testing.T) {
			next, more, ok := pageClaim([]byte(tc.body))
			if next != tc.next || more != tc.more || ok != tc.ok {
				t.Errorf("pageClaim(%q) = %d, %v, %v; want %d, %v, %v", tc.body, next, more, ok, tc.next, tc.more, tc.ok)
			}
		})
	}
}

// FuzzPageClaim: any body is read without a panic, and for a page as the
// server writes it (json.Marshal) the claim is the page's own.
func FuzzPageClaim(f *testing.F) {
	f.Add([]byte(`{"changes":[],"next":7,"more":true}`), uint64(7), true, 2)
	f.Add([]byte(`"next":1"more":t`), uint64(1<<63), false, 0)
	f.Fuzz(func(t *testing.T, body []byte, next uint64, more bool, n int) {
		pageClaim(body)
		page := protocol.ChangesResponse{Next: next, More: more}
		for i := range n % 5 {
			page.Changes = append(page.Changes, protocol.Change{ID: "11111111-1111-4111-8111-111111111111", Rev: uint64(i + 1), Seq: uint64(i + 1), Blob: body})
		}
		if n%2 == 1 {
			page.Manifest = &protocol.Manifest{Version: next, Blob: body}
		}
		b, err := json.Marshal(page)
		if err != nil {
			t.Fatal(err)
		}
		if gn, gm, ok := pageClaim(b); !ok || gn != next || gm != more {
			t.Errorf("pageClaim(%s) = %d, %v, %v; want %d, %v", b, gn, gm, ok, next, more)
		}
	})
}

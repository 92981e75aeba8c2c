package httpapi

import (
	"context"
	"fmt"
	"testing"
	"time"

	"cipherleaf.dev/shared/protocol"
)

// A cursor below compacted tombstones is answered 410 cursor_compacted
// (SPEC §7.3); from 0, or from the compacted sequence on, the feed is served.
func TestChangesCursorCompacted(t *testing.T) {
	en := newEnv(t, nil)
	tok := en.register("compact").AccessToken
	if r := en.do("PUT", "/api/v1/notes/"+noteID(1), tok, protocol.PutNoteRequest{Blob: []byte("a")}); r.status != 200 {
		t.Fatalf("PUT = %d %s", r.status, r.body)
	}
	if r := en.do("DELETE", fmt.Sprintf("/api/v1/notes/%s?base_rev=1", noteID(1)), tok, nil); r.status != 200 {
		t.Fatalf("DELETE = %d %s", r.status, r.body)
	}
	en.do("PUT", "/api/v1/notes/"+noteID(2), tok, protocol.PutNoteRequest{Blob: []byte("b")}) // seq 3
	c, err := en.store.CompactTombstones(context.Background(), time.Nanosecond)
	if err != nil || c.Tombstones != 1 {
		t.Fatalf("CompactTombstones = %+v, %v", c, err)
	}
	for _, tt := range []struct {
		since  uint64
		status int
	}{{0, 200}, {1, 410}, {2, 200}, {3, 200}} {
		r := en.do("GET", fmt.Sprintf("/api/v1/notes?since=%d", tt.since), tok, nil)
		if r.status != tt.status || (tt.status == 410 && r.errCode() != protocol.CodeCursorCompacted) {
			t.Errorf("GET /notes?since=%d = %d %s, want %d", tt.since, r.status, r.body, tt.status)
		}
	}
}

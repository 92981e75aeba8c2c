package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"cipherleaf.dev/shared/protocol"
)

// TestE2ETombstoneRetention: serve compacts tombstones past
// --tombstone-retention on its own schedule; a cursor below them is then
// answered 410 cursor_compacted (SPEC §7.3, §7.6) while since=0 serves the
// live notes, and the quota gets the rows back. With retention 0 nothing is
// ever compacted.
func TestE2ETombstoneRetention(t *testing.T) {
	for _, tc := range []struct {
		name      string
		retention string
		compacts  bool
	}{
		{"compacted", "1ns", true},
		{"kept forever", "0", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := filepath.Join(t.TempDir(), "data")
			d := start(t, data, "--tombstone-retention", tc.retention, "--tombstone-compact-every", "20ms")
			tok := d.register("tomb").AccessToken
			put := func(i int, base uint64) {
				t.Helper()
				if st, b := d.call("PUT", "/api/v1/notes/"+noteID(i), tok, protocol.PutNoteRequest{BaseRev: base, Blob: []byte("x")}, nil); st != 200 {
					t.Fatalf("PUT %d = %d %s", i, st, b)
				}
			}
			put(1, 0)                                                                                                       // seq 1
			put(2, 0)                                                                                                       // seq 2
			if st, b := d.call("DELETE", fmt.Sprintf("/api/v1/notes/%s?base_rev=1", noteID(1)), tok, nil, nil); st != 200 { // seq 3
				t.Fatalf("DELETE = %d %s", st, b)
			}
			put(2, 1) // seq 4
			if !tc.compacts {
				// Let several compaction rounds pass: the log says when one ran
				// and found work; with retention 0 none is started at all.
				if st, _ := d.call("GET", "/api/v1/notes?since=1", tok, nil, nil); st != 200 {
					t.Fatalf("GET since=1 = %d, want 200", st)
				}
				if d.stderr.waitFor("compacted tombstones", 200*time.Millisecond) {
					t.Fatalf("retention 0 compacted:\n%s", d.stderr)
				}
				if n := len(d.allChanges(tok)); n != 2 {
					t.Fatalf("feed has %d changes, want the tombstone and the note", n)
				}
				return
			}
			if !d.stderr.waitFor("compacted tombstones", 10*time.Second) {
				t.Fatalf("no compaction logged:\n%s", d.stderr)
			}
			for _, tt := range []struct {
				since  int
				status int
			}{{0, 200}, {1, 410}, {2, 410}, {3, 200}, {4, 200}} {
				st, b := d.call("GET", fmt.Sprintf("/api/v1/notes?since=%d", tt.since), tok, nil, nil)
				var eb protocol.ErrorBody
				if st == 410 {
					if err := json.Unmarshal(b, &eb); err != nil || eb.Code != protocol.CodeCursorCompacted {
						t.Errorf("410 body = %s, want code %s", b, protocol.CodeCursorCompacted)
					}
				}
				if st != tt.status {
					t.Errorf("GET since=%d = %d %s, want %d", tt.since, st, b, tt.status)
				}
			}
			if cs := d.allChanges(tok); len(cs) != 1 || cs[0].ID != noteID(2) {
				t.Errorf("feed from 0 = %+v, want only the live note", cs)
			}
		})
	}
}

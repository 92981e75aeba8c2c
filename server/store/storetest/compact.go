package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

func compactID(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-000000000000", i) }

// feed returns every change of userID from since, or the error.
func feed(t *testing.T, s server.Store, userID int64, since uint64) (map[string]protocol.Change, error) {
	t.Helper()
	p, err := changes(t, s, userID, since, 5000, 1<<30)
	if err != nil {
		return nil, err
	}
	out := map[string]protocol.Change{}
	for _, c := range p.Changes {
		out[c.ID] = c
	}
	return out, nil
}

// testCompactTombstones: tombstones past the retention are compacted with
// their history (on an injected clock), only for accounts whose manifest
// is 0x02 or absent; a cursor below the compacted sequence is refused; the
// quota gets the bytes back (SPEC §7.3, §7.6).
func testCompactTombstones(t *testing.T, h Harness) {
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := h.Open(t, Options{Now: func() time.Time { return now }, HistoryRevisions: 5})
	const day = 24 * time.Hour
	const retention = 90 * day
	write := func(u int64, w server.Write) uint64 {
		t.Helper()
		_, seq, err := s.WriteNote(ctx, u, 0, &w)
		if err != nil {
			t.Fatalf("WriteNote(%+v): %v", w, err)
		}
		return seq
	}
	// Three accounts: no manifest, a live-only-digest manifest (0x02),
	// and an all-rows-digest manifest (0x01), which must not be compacted.
	users := map[string]int64{}
	for _, name := range []string{"none", "live", "old"} {
		u, _ := newUser(t, s, name)
		users[name] = u.ID
	}
	if _, err := s.PutManifest(ctx, users["live"], 0, []byte{server.DigestLiveOnly, 0, 0, 0, 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutManifest(ctx, users["old"], 0, []byte{0x01, 0, 0, 0, 1}); err != nil {
		t.Fatal(err)
	}
	seqs := map[string]map[string]uint64{} // user -> note -> seq of the tombstone
	for name, u := range users {
		seqs[name] = map[string]uint64{}
		write(u, server.Write{ID: compactID(1), Blob: []byte("live note")})
		write(u, server.Write{ID: compactID(2), Blob: []byte("deleted early")})
		write(u, server.Write{ID: compactID(2), BaseRev: 1, Blob: []byte("edited")}) // rev 1 becomes history
		seqs[name]["early"] = write(u, server.Write{ID: compactID(2), BaseRev: 2, Delete: true})
	}
	now = now.Add(50 * day)
	for name, u := range users {
		write(u, server.Write{ID: compactID(3), Blob: []byte("deleted late")})
		seqs[name]["late"] = write(u, server.Write{ID: compactID(3), BaseRev: 1, Delete: true})
		write(u, server.Write{ID: compactID(1), BaseRev: 1, Blob: []byte("live, edited")})
	}

	if c, err := s.CompactTombstones(ctx, 0); err != nil || c != (server.Compaction{}) {
		t.Fatalf("CompactTombstones(retention 0) = %+v, %v; want nothing", c, err)
	}
	now = now.Add(retention - 50*day - time.Second)
	if c, err := s.CompactTombstones(ctx, retention); err != nil || c != (server.Compaction{}) {
		t.Fatalf("CompactTombstones(a second before the retention) = %+v, %v; want nothing", c, err)
	}
	now = now.Add(time.Second)
	c, err := s.CompactTombstones(ctx, retention)
	if want := (server.Compaction{Users: 2, Tombstones: 2, Revisions: 4}); err != nil || c != want {
		t.Fatalf("CompactTombstones(at the retention) = %+v, %v; want %+v", c, err, want)
	}
	for name, u := range users {
		t.Run(name, func(t *testing.T) {
			h.usedMatches(t, s, u)
			all, err := feed(t, s, u, 0)
			if err != nil {
				t.Fatalf("Changes(since 0) = %v", err)
			}
			_, kept := all[compactID(2)]
			if compacted := name != "old"; kept == compacted {
				t.Errorf("tombstone kept = %v, want %v", kept, !compacted)
			}
			if _, ok := all[compactID(3)]; !ok || !all[compactID(3)].Deleted {
				t.Errorf("the younger tombstone is gone: %+v", all)
			}
			if len(all[compactID(1)].Blob) == 0 {
				t.Errorf("the live note is gone: %+v", all)
			}
			early := seqs[name]["early"]
			for _, tt := range []struct {
				since     uint64
				compacted bool
			}{{0, false}, {1, name != "old"}, {early - 1, name != "old"}, {early, false}, {early + 1, false}, {seqs[name]["late"], false}} {
				_, err := feed(t, s, u, tt.since)
				if got := errors.Is(err, server.ErrCursorCompacted); got != tt.compacted || (err != nil && !got) {
					t.Errorf("Changes(since %d) = %v, want compacted %v", tt.since, err, tt.compacted)
				}
			}
			// The id is free again: re-creating it starts over at revision 1.
			if name != "old" {
				write(u, server.Write{ID: compactID(2), Blob: []byte("new note, old id")})
				write(u, server.Write{ID: compactID(2), BaseRev: 1, Blob: []byte("and edited")})
				h.usedMatches(t, s, u)
			}
		})
	}

	// A later run compacts the younger tombstone; compacted_seq only rises.
	now = now.Add(50 * day)
	c, err = s.CompactTombstones(ctx, retention)
	if want := (server.Compaction{Users: 2, Tombstones: 2, Revisions: 2}); err != nil || c != want {
		t.Fatalf("second CompactTombstones = %+v, %v; want %+v", c, err, want)
	}
	for name, u := range users {
		late := seqs[name]["late"]
		_, err := feed(t, s, u, late-1)
		if got := errors.Is(err, server.ErrCursorCompacted); got != (name != "old") {
			t.Errorf("%s: Changes(since %d) after the second run = %v", name, late-1, err)
		}
		if _, err := feed(t, s, u, late); err != nil {
			t.Errorf("%s: Changes(since %d) = %v", name, late, err)
		}
		h.usedMatches(t, s, u)
	}
}

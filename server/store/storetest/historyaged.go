package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

// testHistoryAgedQuota: used_bytes stays exactly what the account's rows
// hold (SPEC §7.6, §7.8) when a note whose current blob is already older
// than --history-days is edited or deleted, by WriteNote and by an atomic
// batch alike, and through the count trim, the periodic sweep and
// tombstone compaction that follow. Such a blob is never kept as a past
// revision: it is older than the retention when it is replaced.
func testHistoryAgedQuota(t *testing.T, h Harness) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	const day = 24 * time.Hour
	s := h.Open(t, Options{Now: func() time.Time { return now }, HistoryRevisions: 3, HistoryDays: 10})
	a, b, c := compactID(1), compactID(2), compactID(3)
	blob := func(id string, rev int) []byte { // sizes differ per note and revision
		return make([]byte, 100*rev+int(id[7]-'0'))
	}
	paths := []struct {
		name  string
		write func(t *testing.T, u int64, ws []server.Write)
	}{
		{"WriteNote", func(t *testing.T, u int64, ws []server.Write) {
			t.Helper()
			for _, w := range ws {
				if _, _, err := s.WriteNote(ctx, u, 0, &w); err != nil {
					t.Fatalf("WriteNote(%s rev %d): %v", w.ID, w.BaseRev, err)
				}
			}
		}},
		{"Batch", func(t *testing.T, u int64, ws []server.Write) {
			t.Helper()
			out, err := s.Batch(ctx, u, 0, ws, nil)
			if err != nil || !out.Applied {
				t.Fatalf("Batch = %+v, %v", out, err)
			}
			for i, r := range out.Results {
				if r.Status != protocol.StatusOK {
					t.Fatalf("Batch result[%d] = %+v", i, r)
				}
			}
		}},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			u, _ := newUser(t, s, p.name)
			check := func(step string, revs map[string][]uint64) {
				t.Helper()
				if counted, stored := h.StoredBytes(t, s, u.ID); counted != stored {
					t.Errorf("%s: used_bytes = %d, rows hold %d (%+d)", step, counted, stored, counted-stored)
				}
				for id, want := range revs {
					list, _, err := s.Revisions(ctx, u.ID, id, 0, 100)
					if err != nil {
						t.Fatal(err)
					}
					var got []uint64
					for _, r := range list {
						got = append(got, r.Rev)
					}
					if !slices.Equal(got, want) {
						t.Errorf("%s: Revisions(%s) = %v, want %v", step, id[:8], got, want)
					}
				}
			}
			edit := func(id string, rev int) server.Write {
				return server.Write{ID: id, BaseRev: uint64(rev - 1), Blob: blob(id, rev)}
			}
			p.write(t, u.ID, []server.Write{edit(a, 1), edit(b, 1), edit(c, 1)})
			p.write(t, u.ID, []server.Write{edit(a, 2), edit(c, 2)})
			check("written", map[string][]uint64{a: {2, 1}, b: {1}, c: {2, 1}})

			// Every blob is now older than the retention: a's and c's
			// past revision goes in the write's trim, and so does the
			// blob each write replaces; b has no past revision to trim.
			now = now.Add(10*day + time.Hour)
			p.write(t, u.ID, []server.Write{edit(a, 3), edit(a, 4), edit(b, 2), {ID: c, BaseRev: 2, Delete: true}})
			deleted := now
			check("aged edit", map[string][]uint64{a: {4, 3}, b: {2}, c: nil})

			// The count trim: at most three past revisions.
			for rev := 5; rev <= 8; rev++ {
				now = now.Add(time.Hour)
				p.write(t, u.ID, []server.Write{edit(a, rev)})
				check("count trim", nil)
			}
			check("count trim", map[string][]uint64{a: {8, 7, 6, 5}})

			// The periodic sweep, then an edit after it.
			now = now.Add(10*day + time.Hour)
			if _, err := s.SweepHistory(ctx); err != nil {
				t.Fatal(err)
			}
			check("sweep", map[string][]uint64{a: {8}, b: {2}})
			now = now.Add(10*day + time.Hour)
			p.write(t, u.ID, []server.Write{edit(a, 9), edit(b, 3)})
			check("aged edit after sweep", map[string][]uint64{a: {9}, b: {3}})

			// c's tombstone is compacted (with any history it kept).
			if _, err := s.CompactTombstones(ctx, now.Sub(deleted)-time.Hour); err != nil {
				t.Fatal(err)
			}
			check("compaction", map[string][]uint64{a: {9}, b: {3}, c: nil})
			if feed, err := feed(t, s, u.ID, 0); err != nil {
				t.Fatal(err)
			} else if _, ok := feed[c]; ok {
				t.Errorf("c's tombstone was not compacted")
			}
		})
	}
}

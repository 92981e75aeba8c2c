package storetest

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

// testBatchOverStored runs a batch over notes stored by an earlier one: a
// live note, a tombstone and a note never written, each written and then
// written again from a stale base inside the same batch. Every op must
// see the state the ops before it left, whatever an engine reads ahead.
func testBatchOverStored(t *testing.T, h Harness) {
	const id3 = "33333333-3333-4333-8333-333333333333"
	s := h.Open(t, Options{HistoryRevisions: 5})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	if out, err := s.Batch(ctx, u.ID, 0, []server.Write{
		{ID: id1, Blob: []byte("a1")},
		{ID: id2, Blob: []byte("b1")},
		{ID: id2, BaseRev: 1, Delete: true},
	}, nil); err != nil || !out.Applied {
		t.Fatal(out, err)
	}
	out, err := s.Batch(ctx, u.ID, 0, []server.Write{
		{ID: id1, BaseRev: 1, Blob: []byte("a2")}, // ok: rev 2
		{ID: id1, BaseRev: 1, Blob: []byte("a?")}, // conflict: rev 2, a2
		{ID: id2, BaseRev: 2, Blob: []byte("b3")}, // ok: the tombstone revived, rev 3
		{ID: id2, BaseRev: 0, Blob: []byte("b?")}, // conflict: rev 3, b3
		{ID: id3, BaseRev: 0, Delete: true},       // conflict: no such note
		{ID: id3, BaseRev: 0, Blob: []byte("c1")}, // ok: rev 1
		{ID: id1, BaseRev: 2, Delete: true},       // ok: rev 3
		{ID: id1, BaseRev: 2, Blob: []byte("a?")}, // conflict: a tombstone at rev 3
	}, nil)
	if err != nil || !out.Applied {
		t.Fatal(out, err)
	}
	want := []struct {
		status  string
		rev     uint64
		blob    string
		deleted bool
	}{
		{"ok", 2, "", false},
		{"conflict", 2, "a2", false},
		{"ok", 3, "", false},
		{"conflict", 3, "b3", false},
		{"conflict", 0, "", false},
		{"ok", 1, "", false},
		{"ok", 3, "", false},
		{"conflict", 3, "", true},
	}
	for i, r := range out.Results {
		w := want[i]
		if r.Status != w.status {
			t.Errorf("result[%d] = %+v, want %s", i, r, w.status)
			continue
		}
		if r.Status == protocol.StatusOK {
			if r.Rev != w.rev {
				t.Errorf("result[%d].Rev = %d, want %d", i, r.Rev, w.rev)
			}
			continue
		}
		if c := r.Current; c == nil || c.Rev != w.rev || !bytes.Equal(c.Blob, []byte(w.blob)) || c.Deleted != w.deleted {
			t.Errorf("result[%d].Current = %+v, want rev %d blob %q deleted %v", i, c, w.rev, w.blob, w.deleted)
		}
	}
	h.usedMatches(t, s, u.ID)
}

// testBatchHistory edits one note several times in one batch: each edit
// keeps the blob it replaces, by count (HistoryRevisions) and by age
// (HistoryDays), as single writes would, and the quota counts what stays.
func testBatchHistory(t *testing.T, h Harness) {
	now := time.Unix(1_700_000_000, 0)
	s := h.Open(t, Options{HistoryRevisions: 3, HistoryDays: 1, Now: func() time.Time { return now }})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	batch := func(writes ...server.Write) {
		t.Helper()
		out, err := s.Batch(ctx, u.ID, 0, writes, nil)
		if err != nil || !out.Applied {
			t.Fatal(out, err)
		}
		for i, r := range out.Results {
			if r.Status != protocol.StatusOK {
				t.Fatalf("result[%d] = %+v", i, r)
			}
		}
	}
	revisions := func(want ...uint64) {
		t.Helper()
		revs, _, err := s.Revisions(ctx, u.ID, id1, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var got []uint64
		for _, r := range revs {
			got = append(got, r.Rev)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("Revisions = %v, want %v", got, want)
		}
		h.usedMatches(t, s, u.ID)
	}
	batch(server.Write{ID: id1, Blob: []byte("v1")}, server.Write{ID: id2, Blob: []byte("w1")})
	now = now.Add(12 * time.Hour)
	batch(server.Write{ID: id1, BaseRev: 1, Blob: []byte("v2")})
	revisions(2, 1)
	// v1 (stored 36 h ago) ages out as v3 is written; v2 stays.
	now = now.Add(24 * time.Hour)
	batch(server.Write{ID: id1, BaseRev: 2, Blob: []byte("v3")}, server.Write{ID: id1, BaseRev: 3, Blob: []byte("v4")}, server.Write{ID: id2, BaseRev: 1, Blob: []byte("w2")})
	revisions(4, 3, 2)
	// Past the count: three past revisions at most.
	batch(server.Write{ID: id1, BaseRev: 4, Blob: []byte("v5")}, server.Write{ID: id1, BaseRev: 5, Blob: []byte("v6")}, server.Write{ID: id1, BaseRev: 6, Delete: true})
	revisions(6, 5, 4)
	batch(server.Write{ID: id1, BaseRev: 7, Blob: []byte("v8")}, server.Write{ID: id1, BaseRev: 8, Blob: []byte("v9")})
	revisions(9, 8, 6, 5)
}

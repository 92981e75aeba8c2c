package storetest

import (
	"bytes"
	"context"
	"testing"

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

package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"cipherleaf.dev/server"
)

func testHistory(t *testing.T, h Harness) {
	ctx := context.Background()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	s := h.Open(t, Options{Now: func() time.Time { return now }, HistoryRevisions: 3, HistoryDays: 10})
	u, _ := newUser(t, s, "hist")
	blob := func(rev int) []byte { return bytes.Repeat([]byte{byte(rev)}, 100*rev) }
	for rev := 1; rev <= 6; rev++ {
		if _, _, err := s.WriteNote(ctx, u.ID, 0, &server.Write{ID: id1, BaseRev: uint64(rev - 1), Blob: blob(rev)}); err != nil {
			t.Fatalf("WriteNote rev %d: %v", rev, err)
		}
		now = now.Add(time.Hour)
		h.usedMatches(t, s, u.ID)
	}
	revs, more, err := s.Revisions(ctx, u.ID, id1, 0, 100)
	if err != nil || more || len(revs) != 4 {
		t.Fatalf("Revisions = %+v, %v, %v; want current + 3 past", revs, more, err)
	}
	for i, r := range revs {
		wantRev := uint64(6 - i)
		if r.Rev != wantRev || r.Size != int64(100*wantRev) || !r.Stored.Equal(time.Date(2026, 11, 1, int(wantRev)-1, 0, 0, 0, time.UTC)) {
			t.Errorf("revision %d = %+v, want rev %d", i, r, wantRev)
		}
		b, err := s.RevisionBlob(ctx, u.ID, id1, r.Rev)
		if err != nil || !bytes.Equal(b, blob(int(r.Rev))) {
			t.Errorf("RevisionBlob(%d) = %d bytes, %v", r.Rev, len(b), err)
		}
	}
	if _, err := s.RevisionBlob(ctx, u.ID, id1, 2); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("RevisionBlob(trimmed) = %v, want server.ErrNotFound", err)
	}
	other, _ := newUser(t, s, "other")
	if revs, _, _ := s.Revisions(ctx, other.ID, id1, 0, 100); len(revs) != 0 {
		t.Errorf("another user's Revisions = %v, want none", revs)
	}
	if _, err := s.RevisionBlob(ctx, other.ID, id1, 6); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("another user's RevisionBlob = %v, want server.ErrNotFound", err)
	}
	page, more, _ := s.Revisions(ctx, u.ID, id1, 5, 1)
	if len(page) != 1 || !more || page[0].Rev != 4 {
		t.Errorf("Revisions(before 5, limit 2) = %+v, %v", page, more)
	}

	// A delete keeps the history (the last blob included).
	if _, _, err := s.WriteNote(ctx, u.ID, 0, &server.Write{ID: id1, BaseRev: 6, Delete: true}); err != nil {
		t.Fatal(err)
	}
	h.usedMatches(t, s, u.ID)
	if revs, _, _ := s.Revisions(ctx, u.ID, id1, 0, 100); len(revs) != 3 || revs[0].Rev != 6 {
		t.Errorf("after delete Revisions = %+v, want 6, 5, 4", revs)
	}

	// Age: everything older than 10 days goes in the sweep.
	now = now.Add(10*24*time.Hour + time.Minute)
	n, err := s.SweepHistory(ctx)
	if err != nil || n != 3 {
		t.Fatalf("SweepHistory = %d, %v, want 3", n, err)
	}
	h.usedMatches(t, s, u.ID)
	if revs, _, _ := s.Revisions(ctx, u.ID, id1, 0, 100); len(revs) != 0 {
		t.Errorf("after sweep Revisions = %+v, want none", revs)
	}
}

// TestHistoryQuota: history counts toward the quota; a delete is never refused.
func testHistoryQuota(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.Open(t, Options{HistoryRevisions: 100})
	u, _ := newUser(t, s, "q")
	q := int64(2*server.RowOverhead + 150)
	if _, _, err := s.WriteNote(ctx, u.ID, q, &server.Write{ID: id1, Blob: make([]byte, 100)}); err != nil {
		t.Fatal(err)
	}
	// Replacing keeps the old 100 bytes: 100 + 128 + 100 + 128 > q.
	if _, _, err := s.WriteNote(ctx, u.ID, q, &server.Write{ID: id1, BaseRev: 1, Blob: make([]byte, 100)}); !errors.Is(err, server.ErrQuotaExceeded) {
		t.Fatalf("edit over quota with history = %v, want server.ErrQuotaExceeded", err)
	}
	h.usedMatches(t, s, u.ID)
	if _, _, err := s.WriteNote(ctx, u.ID, q, &server.Write{ID: id1, BaseRev: 1, Delete: true}); err != nil {
		t.Fatalf("delete over quota = %v, want allowed", err)
	}
	h.usedMatches(t, s, u.ID)
}

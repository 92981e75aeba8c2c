package storetest

import (
	"context"
	"testing"

	"cipherleaf.dev/server"
)

// SeedUsage gives a new account of s (opened with HistoryRevisions > 0) a
// live note with a past revision, a deleted note with its kept blob and a
// declared attachment, and returns the account and the used_bytes its rows
// hold, computed from the sizes written (SPEC §7.6, §7.8, §11). An engine's
// migration test spoils the count and checks that the recount restores it.
func SeedUsage(t *testing.T, s server.Store) (userID, want int64) {
	t.Helper()
	ctx := context.Background()
	u, _ := newUser(t, s, "recount")
	for _, w := range []server.Write{
		{ID: id1, Blob: make([]byte, 10)},
		{ID: id1, BaseRev: 1, Blob: make([]byte, 20)}, // 10 bytes kept
		{ID: id2, Blob: make([]byte, 30)},
		{ID: id2, BaseRev: 1, Delete: true}, // 30 bytes kept, a tombstone
	} {
		if _, _, err := s.WriteNote(ctx, u.ID, 0, &w); err != nil {
			t.Fatalf("WriteNote(%s rev %d): %v", w.ID, w.BaseRev, err)
		}
	}
	const attachment = 1000
	if _, _, err := s.DeclareAttachment(ctx, u.ID, u.UID, "33333333-3333-4333-8333-333333333333", attachment, 0); err != nil {
		t.Fatal(err)
	}
	want = (20 + server.RowOverhead) + server.RowOverhead + (10 + server.RowOverhead) + (30 + server.RowOverhead) + attachment
	return u.ID, want
}

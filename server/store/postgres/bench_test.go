package postgres

import (
	"context"
	"fmt"
	"testing"

	"cipherleaf.dev/server"
)

// BenchmarkBatch1000Edit: one atomic batch of 1,000 edits of 1,400 bytes
// on PostgreSQL (fsync on), every previous blob kept as history (100
// revisions), as the SQLite benchmark of the same name.
func BenchmarkBatch1000Edit(b *testing.B) {
	ctx := context.Background()
	s := openTest(b, Options{HistoryRevisions: 100, HistoryDays: 180})
	u := &server.User{UID: "00000000-0000-4000-8000-000000000001", Username: "bench", AuthHash: []byte("h"), RecoveryHash: []byte("r"), WrappedKey: []byte("w"), RecoveryWrappedKey: []byte("r")}
	if err := s.CreateUser(ctx, u, nil); err != nil {
		b.Fatal(err)
	}
	blob := make([]byte, 1400)
	writes := make([]server.Write, 1000)
	for i := range writes {
		writes[i] = server.Write{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Blob: blob}
	}
	for b.Loop() {
		out, err := s.Batch(ctx, u.ID, 0, writes, nil)
		if err != nil || !out.Applied {
			b.Fatalf("Batch = %+v, %v", out, err)
		}
		for i := range writes {
			if out.Results[i].Status != "ok" {
				b.Fatalf("result %d = %+v", i, out.Results[i])
			}
			writes[i].BaseRev = out.Results[i].Rev
		}
	}
}

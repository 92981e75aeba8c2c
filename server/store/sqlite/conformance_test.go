package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/store/storetest"
)

// TestConformance runs the engine-neutral store suite against SQLite.
func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		Open: func(t testing.TB, opt storetest.Options) server.Store {
			s, err := Open(context.Background(), filepath.Join(t.TempDir(), "db.sqlite"),
				Options{Now: opt.Now, HistoryRevisions: opt.HistoryRevisions, HistoryDays: opt.HistoryDays, BaseWait: opt.BaseWait})
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		Rows: func(t testing.TB, s server.Store, table string) int64 {
			var n int64
			// table is one of the suite's constant names, never input.
			if err := s.(*Store).r.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
				t.Fatalf("count %s: %v", table, err)
			}
			return n
		},
		StoredBytes: func(t testing.TB, s server.Store, userID int64) (counted, stored int64) {
			err := s.(*Store).r.QueryRow(`SELECT used_bytes,
				(SELECT coalesce(sum(coalesce(length(blob), 0) + ?), 0) FROM notes WHERE user_id = ?) +
				(SELECT coalesce(sum(length(blob) + ?), 0) FROM note_history WHERE user_id = ?)
				FROM users WHERE id = ?`, server.RowOverhead, userID, server.RowOverhead, userID, userID).Scan(&counted, &stored)
			if err != nil {
				t.Fatalf("stored bytes: %v", err)
			}
			return counted, stored
		},
		ForgetKeyGeneration: func(t testing.TB, s server.Store, userID int64) {
			if _, err := s.(*Store).w.Exec(`UPDATE users SET key_generation = NULL WHERE id = ?`, userID); err != nil {
				t.Fatal(err)
			}
		},
	})
}

package postgres

import (
	"context"
	"os"
	"testing"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/store/postgres/pgtest"
	"cipherleaf.dev/server/store/storetest"
)

var cluster *pgtest.Cluster

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &cluster)) }

// openTest opens a Store on a fresh database of the test cluster.
func openTest(t testing.TB, opt Options) *Store {
	t.Helper()
	dsn, err := cluster.NewDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), dsn, opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestConformance runs the engine-neutral store suite against PostgreSQL.
func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		Open: func(t testing.TB, opt storetest.Options) server.Store {
			return openTest(t, Options{Now: opt.Now, HistoryRevisions: opt.HistoryRevisions, HistoryDays: opt.HistoryDays, BaseWait: opt.BaseWait})
		},
		Rows: func(t testing.TB, s server.Store, table string) int64 {
			var n int64
			// table is one of the suite's constant names, never input.
			if err := s.(*Store).db.QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
				t.Fatalf("count %s: %v", table, err)
			}
			return n
		},
		StoredBytes: func(t testing.TB, s server.Store, userID int64) (counted, stored int64) {
			err := s.(*Store).db.QueryRow(context.Background(), `SELECT used_bytes,
				(SELECT coalesce(sum(coalesce(octet_length(blob), 0) + $1), 0) FROM notes WHERE user_id = $2) +
				(SELECT coalesce(sum(octet_length(blob) + $1), 0) FROM note_history WHERE user_id = $2)
				FROM users WHERE id = $2`, server.RowOverhead, userID).Scan(&counted, &stored)
			if err != nil {
				t.Fatalf("stored bytes: %v", err)
			}
			return counted, stored
		},
		ForgetKeyGeneration: func(t testing.TB, s server.Store, userID int64) {
			if _, err := s.(*Store).db.Exec(context.Background(), `UPDATE users SET key_generation = NULL WHERE id = $1`, userID); err != nil {
				t.Fatal(err)
			}
		},
	})
}

package postgres

import (
	"context"
	"testing"

	"cipherleaf.dev/server/store/storetest"
)

// TestMigrate0002RecountsUsed: a used_bytes left wrong by the history
// over-count fixed with 0002 is recounted from the rows at the upgrade.
func TestMigrate0002RecountsUsed(t *testing.T) {
	ctx := context.Background()
	dsn, err := cluster.NewDatabase(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, dsn, Options{HistoryRevisions: 5})
	if err != nil {
		t.Fatal(err)
	}
	userID, want := storetest.SeedUsage(t, s)
	if _, err := s.db.Exec(ctx, `UPDATE users SET used_bytes = used_bytes + 4096 WHERE id = $1`, userID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(ctx, `DELETE FROM schema_version WHERE version >= 2`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, dsn, Options{HistoryRevisions: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got int64
	if err := s.db.QueryRow(ctx, `SELECT used_bytes FROM users WHERE id = $1`, userID).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("used_bytes after 0002 = %d, want %d", got, want)
	}
}

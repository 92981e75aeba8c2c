package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"cipherleaf.dev/server/store/storetest"
)

// TestMigrate0010RecountsUsed: a used_bytes left wrong by the history
// over-count fixed with 0010 is recounted from the rows at the upgrade.
func TestMigrate0010RecountsUsed(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db.sqlite")
	s, err := Open(ctx, path, Options{HistoryRevisions: 5})
	if err != nil {
		t.Fatal(err)
	}
	userID, want := storetest.SeedUsage(t, s)
	if _, err := s.w.Exec(`UPDATE users SET used_bytes = used_bytes + 4096 WHERE id = ?`, userID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(`PRAGMA user_version = 9`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path, Options{HistoryRevisions: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got int64
	if err := s.r.QueryRow(`SELECT used_bytes FROM users WHERE id = ?`, userID).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("used_bytes after 0010 = %d, want %d", got, want)
	}
}

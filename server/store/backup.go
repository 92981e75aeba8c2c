package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
)

// Backup writes a consistent copy of the database to path while the
// server keeps serving: VACUUM INTO reads one snapshot in a read
// transaction, so concurrent writes neither block nor tear it. path must
// not exist.
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("back up to %s: %w", path, os.ErrExist)
	}
	// A connection of its own: the read pool is query-only, and the writer
	// must stay free for the server's writes.
	db, err := sql.Open("sqlite3", dsn(s.path, false))
	if err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	defer db.Close()
	// The target is a bound parameter, not spliced into the SQL.
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	return nil
}

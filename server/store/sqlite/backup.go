package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database to path while the
// server keeps serving: VACUUM INTO reads one snapshot in a read
// transaction, so concurrent writes neither block nor tear it. path must
// not exist. The copy is written to an empty 0600 temporary file beside
// path, synced, and only then linked to path, so no other user can ever
// read it and path is never a partial copy.
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("back up to %s: %w", path, os.ErrExist)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp") // mode 0600
	if err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	tmpPath := tmp.Name()
	defer os.Remove(tmpPath)
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	// A connection of its own: the read pool is query-only, and the writer
	// must stay free for the server's writes.
	db, err := sql.Open("sqlite3", dsn(s.path, false, s.durability))
	if err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	defer c.Close()
	// The copy gets pageSize pages whatever the database's own (VACUUM
	// INTO takes the page size set on its connection), so restoring a
	// backup of a file made with 4 KiB pages moves it to 8 KiB ones.
	if _, err := c.ExecContext(ctx, fmt.Sprintf("PRAGMA page_size = %d", pageSize)); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	// VACUUM INTO accepts an empty existing file, and keeps its mode. The
	// target is a bound parameter, not spliced into the SQL.
	if _, err := c.ExecContext(ctx, `VACUUM INTO ?`, tmpPath); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	if err := syncFile(tmpPath); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	// Link, not rename: it fails rather than replace a path that appeared
	// meanwhile.
	if err := os.Link(tmpPath, path); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

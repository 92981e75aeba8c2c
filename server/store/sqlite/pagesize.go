package sqlite

import (
	"context"
	"fmt"
	"net/url"
	"os"
)

// pageSize is the page size of a database file this store creates.
//
// A page holds whole rows, and a note row is mostly its blob: the envelope
// of a note padded to 2 KiB (a 1 KiB note with its JSON, SPEC §5.1) is
// 2,093 bytes, so one fitted in a 4 KiB page and the rest of the page
// stayed empty. A push of 1,000 such notes wrote 1,000 table pages, 4 MiB,
// to the log and again at the checkpoint, each page its own frame,
// checksum and pair of write calls. 32 KiB pages hold 15 of those rows: a
// fifteenth of the pages and half the bytes, and half the store's CPU per
// batch of a 10,000-note push (issue 20, BenchmarkPush10k here: 18.9 ->
// 9.0 ms). A one-note commit writes its few pages whole, 32 KiB each,
// which group commit shares and which did not show in
// BenchmarkWriteNoteParallel.
//
// The page size of a file is fixed by its first write; a file made with
// other pages (4 KiB before) keeps them and works as before.
const pageSize = 32 << 10

// prepareFile makes the empty file at path (just created by Open) a WAL
// database of pageSize pages, and returns the page size of the database
// at path, new or not.
func prepareFile(ctx context.Context, path string, created bool) (int, error) {
	db := openDB("file:" + url.PathEscape(path) + "?_busy_timeout=5000")
	defer db.Close()
	if created {
		// The WAL switch is the file's first write, so it fixes the page
		// size set just before it.
		if _, err := db.ExecContext(ctx, fmt.Sprintf("PRAGMA page_size = %d; PRAGMA journal_mode = WAL", pageSize)); err != nil {
			return 0, fmt.Errorf("create database: %w", err)
		}
	}
	var size int
	if err := db.QueryRowContext(ctx, "PRAGMA page_size").Scan(&size); err != nil {
		return 0, fmt.Errorf("read page size: %w", err)
	}
	if size < 512 {
		return 0, fmt.Errorf("read page size: %d", size)
	}
	return size, nil
}

// isEmptyFile reports whether the file at path exists and holds no byte:
// a database not made yet.
func isEmptyFile(path string) (bool, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return false, err
	}
	return fi.Size() == 0, nil
}

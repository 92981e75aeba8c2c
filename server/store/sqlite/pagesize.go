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
// checksum and pair of write calls. 8 KiB pages hold three of those rows:
// the store's CPU per batch of a 10,000-note push fell by a third
// (BenchmarkPush10k here, same binary: 23.6 -> 15.5 ms median).
//
// Larger pages cut a push further (16 KiB: 14.1 ms, 32 KiB: 12.6 ms) but
// cost every small commit, which logs each page it touches whole: 10,000
// single edits of a note with history (BenchmarkHistoryStorage10kEdits)
// took the same CPU at 4 and 8 KiB, 30 % more at 16 KiB and 80 % more at
// 32 KiB, and a batch of 1,000 edits (BenchmarkBatch1000Edit) was
// cheapest at 8 KiB. The local vault uses 8 KiB pages too (SPEC §8).
//
// The page size of a file is fixed by its first write; a file made with
// other pages (4 KiB before) keeps them and works as before, and a backup
// is written with pageSize pages (Backup).
const pageSize = 8 << 10

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

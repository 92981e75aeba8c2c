package sqlite

import (
	"database/sql"
	"fmt"
	"sync/atomic"
)

// Checkpoints off the write path.
//
// In WAL mode a commit appends pages to the -wal file; a checkpoint copies
// them back into the main file and fsyncs it. SQLite's own automatic
// checkpoint runs inside the COMMIT that takes the log past
// wal_autocheckpoint pages (1,000 by default), so that request pays for
// copying every page of the log and for a second fsync: a push of 1,000
// notes of 1.4 KiB writes about 2 MiB of log, and every second such batch
// took 10–20 ms longer than the others (issue 20).
//
// Instead, a commit that brings the bytes written since the last
// checkpoint past bgCheckpointBytes wakes a checkpointer, which runs a
// PASSIVE checkpoint on a connection of its own while writers go on
// appending to the log: a passive checkpoint takes no lock a writer or a
// reader waits for. Durability is unchanged: a commit still fsyncs the log
// before it returns (synchronous=FULL), and the checkpoint fsyncs the log
// before it copies and the main file after.
//
// The log stays bounded: if the checkpointer falls behind (readers hold
// old snapshots, or the machine is saturated), the writer's own automatic
// checkpoint still runs past autoCheckpointBytes of log, as before but
// rarely; and journal_size_limit truncates the -wal file back to
// walSizeLimit when it is restarted, so a burst does not keep its disk
// space forever.
const (
	bgCheckpointBytes   = 4 << 20
	autoCheckpointBytes = 64 << 20
	walSizeLimit        = 64 << 20
)

// commitCost estimates the log bytes of a commit of rows note rows
// holding blob bytes into a database of pages-byte pages: the blobs, a
// little per row for its index entries, and whole pages for what even a
// one-row commit rewrites (a table page, two index pages and the user's
// row).
func commitCost(pages, rows, blob int) int64 {
	return 4*int64(pages) + int64(rows)*512 + int64(blob)
}

// writerPragmas are run on the writer connection, of a database of
// pages-byte pages, when it is opened. temp_store=MEMORY keeps the
// statement journal of a multi-row write (upsertRows) in memory: in a
// temporary file it was megabytes of write calls per batch, for a file
// nobody reads unless the statement fails.
func writerPragmas(pages int) []string {
	return []string{
		fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", autoCheckpointBytes/pages),
		fmt.Sprintf("PRAGMA journal_size_limit = %d", walSizeLimit),
		"PRAGMA temp_store = MEMORY",
	}
}

// checkpointer runs passive checkpoints in the background, one at a time.
type checkpointer struct {
	db      *sql.DB       // one connection, checkpoints only
	pages   int           // the database's page size
	pending atomic.Int64  // bytes committed since the last wake-up
	wake    chan struct{} // capacity 1: wake-ups while one runs coalesce
	stop    chan struct{}
	done    chan struct{}
	runs    atomic.Int64 // checkpoints run (tests)
}

func startCheckpointer(db *sql.DB, pages int) *checkpointer {
	c := &checkpointer{db: db, pages: pages, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.loop()
	return c
}

// committed counts a commit of rows note rows holding blob bytes
// (commitCost) and wakes the checkpointer past bgCheckpointBytes.
func (c *checkpointer) committed(rows, blob int) {
	if c.pending.Add(commitCost(c.pages, rows, blob)) < bgCheckpointBytes {
		return
	}
	c.pending.Store(0)
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *checkpointer) loop() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.wake:
		}
		// An error (the database closing, a disk error) leaves the log to
		// the writer's automatic checkpoint; the next wake-up tries again.
		_, _ = c.db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
		c.runs.Add(1)
	}
}

// close stops the checkpointer, waiting for a checkpoint running, and
// closes its connection.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	return c.db.Close()
}

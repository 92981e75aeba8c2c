package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"cipherleaf.dev/server"
)

// defaultTombstoneRetention is how long a deleted note's tombstone is kept
// before it is compacted (SPEC §7.6).
const defaultTombstoneRetention = 90 * 24 * time.Hour

// tombstoneFlag registers --tombstone-retention on fs.
func tombstoneFlag(fs *flag.FlagSet, d *time.Duration) {
	fs.DurationVar(d, "tombstone-retention", defaultTombstoneRetention,
		"compact deleted notes' tombstones older than this (0: keep them forever); devices offline longer re-sync from the start")
}

func checkTombstoneRetention(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("%w: --tombstone-retention must be 0 or more", errUsage)
	}
	return nil
}

func logCompaction(log *slog.Logger, c server.Compaction) {
	if c.Tombstones > 0 {
		log.Info("compacted tombstones", "users", c.Users, "tombstones", c.Tombstones, "revisions", c.Revisions)
	}
}

// startTombstoneCompaction compacts tombstones past retention at once and
// then every hour until ctx ends; stop waits for it. retention 0 starts
// nothing.
func startTombstoneCompaction(ctx context.Context, st server.Store, retention time.Duration, log *slog.Logger) (stop func()) {
	if retention <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		for {
			c, err := st.CompactTombstones(ctx, retention)
			if err != nil && ctx.Err() == nil {
				log.Error("compact tombstones", "err", err)
			} else {
				logCompaction(log, c)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() { cancel(); wg.Wait() }
}

// runCompact compacts tombstones past retention once; safe while the
// server runs (SQLite serializes the writes).
func runCompact(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("compact", stderr)
	data := fs.String("data", "", "data folder")
	var retention time.Duration
	tombstoneFlag(fs, &retention)
	if pos, err := parse(fs, args, getenv); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	if err := checkTombstoneRetention(retention); err != nil {
		return err
	}
	st, err := openStore(ctx, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := st.CompactTombstones(ctx, retention)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "compacted %d tombstones (and %d past revisions) of %d users\n", c.Tombstones, c.Revisions, c.Users)
	return nil
}

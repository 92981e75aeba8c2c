package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
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

// tombstoneFlags are serve's: the retention and how often to compact.
type tombstoneFlags struct {
	retention time.Duration
	every     time.Duration
}

func (f *tombstoneFlags) register(fs *flag.FlagSet) {
	tombstoneFlag(fs, &f.retention)
	fs.DurationVar(&f.every, "tombstone-compact-every", time.Hour, "how often serve compacts tombstones past --tombstone-retention (also once at start)")
}

func (f *tombstoneFlags) check() error {
	if err := checkTombstoneRetention(f.retention); err != nil {
		return err
	}
	if f.every <= 0 {
		return fmt.Errorf("%w: --tombstone-compact-every must be above 0", errUsage)
	}
	return nil
}

func logCompaction(log *slog.Logger, c server.Compaction) {
	if c.Tombstones > 0 {
		log.Info("compacted tombstones", "users", c.Users, "tombstones", c.Tombstones, "revisions", c.Revisions)
	}
}

// startTombstoneCompaction compacts tombstones past f.retention at once
// and then every f.every until ctx ends; stop waits for it. Retention 0
// starts nothing.
func startTombstoneCompaction(ctx context.Context, st server.Store, f tombstoneFlags, log *slog.Logger) (stop func()) {
	if f.retention <= 0 {
		return func() {}
	}
	return every(ctx, f.every, func(ctx context.Context) {
		c, err := st.CompactTombstones(ctx, f.retention)
		if err != nil && ctx.Err() == nil {
			log.Error("compact tombstones", "err", err)
		} else {
			logCompaction(log, c)
		}
	})
}

// runCompact compacts tombstones past retention once; safe while the
// server runs (SQLite serializes the writes).
func runCompact(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("compact", stderr)
	data := fs.String("data", "", "data folder")
	var db string
	dbFlag(fs, &db)
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
	st, err := openStore(ctx, *data, db)
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

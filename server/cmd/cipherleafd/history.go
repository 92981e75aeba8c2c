package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"cipherleaf.dev/server"
)

// historyFlags configure revision history retention (SPEC §7.8).
type historyFlags struct {
	revisions int // past revisions kept per note
	days      int // age limit of past revisions
}

func (f *historyFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&f.revisions, "history-revisions", 100, "past revisions kept per note (0: none)")
	fs.IntVar(&f.days, "history-days", 180, "drop past revisions older than this many days (0: no age limit)")
}

func (f *historyFlags) check() error {
	if f.revisions < 0 || f.revisions > 100000 || f.days < 0 || f.days > 36500 {
		return fmt.Errorf("%w: --history-revisions must be 0-100000 and --history-days 0-36500", errUsage)
	}
	return nil
}

// startHistorySweep drops revisions past the age limit every hour until
// ctx ends; stop waits for it.
func startHistorySweep(ctx context.Context, st server.Store, log *slog.Logger) (stop func()) {
	return every(ctx, time.Hour, func(ctx context.Context) {
		n, err := st.SweepHistory(ctx)
		if err != nil && ctx.Err() == nil {
			log.Error("sweep history", "err", err)
		} else if n > 0 {
			log.Info("swept history", "revisions", n)
		}
	})
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"cipherleaf.dev/client/core"
)

// watchPoll is watch's fallback poll interval, used only while the
// server's event stream is down (SPEC §7.10.1).
const watchPoll = 30 * time.Second

// watch keeps the event stream open, pulls on each poke and prints
// ID<TAB>TITLE for every note the pull changed (a deleted note's title is
// empty), until ctx ends (SIGINT, SIGTERM).
func (a *app) watch(ctx context.Context, args []string) error {
	if _, err := positional(newFlagSet("watch"), args, 0, ""); err != nil {
		return err
	}
	if err := a.unlock(); err != nil {
		return err
	}
	var (
		mu      sync.Mutex
		queue   []string
		stopped error
	)
	wake := make(chan struct{}, 1)
	unsub := a.api.Subscribe(func(e core.Event) {
		mu.Lock()
		switch {
		case e.Kind == core.EventNotesChanged:
			queue = append(queue, e.Changed...)
		case e.Kind == core.EventStatusChanged && e.Status.State == core.StateError && stopping(e.Status.Err):
			stopped = e.Status.Err
		}
		mu.Unlock()
		select {
		case wake <- struct{}{}:
		default:
		}
	})
	defer unsub()
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a.api.StartAutoSync(wctx, watchPoll)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		}
		mu.Lock()
		ids, err := queue, stopped
		queue = nil
		mu.Unlock()
		for _, id := range ids {
			title := ""
			if n, err := a.api.Get(id); err == nil {
				title = n.Title
			}
			if _, err := fmt.Fprintf(a.stdout, "%s\t%s\n", id, clean(title)); err != nil {
				return fmt.Errorf("watch: %w", err)
			}
		}
		if err != nil {
			return fmt.Errorf("watch: %w", err)
		}
	}
}

// stopping reports a sync error no later sync cures: watch ends on it.
func stopping(err error) bool {
	return errors.Is(err, core.ErrSessionExpired) || errors.Is(err, core.ErrCertificateChanged) || errors.Is(err, core.ErrUntrustedServer)
}

package core

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"cipherleaf.dev/client/apiclient"
	"cipherleaf.dev/client/vault"
)

// streamer is the live-push side of a Remote (SPEC §7.10, §7.10.1);
// *apiclient.Client has it. A Remote without it is simply polled.
type streamer interface {
	Watch(ctx context.Context, cfg apiclient.StreamConfig, onPoke func(apiclient.Poke)) error
}

// livePush keeps one event stream open for the auto-sync loop while the
// account is unlocked, and calls sync when a poke carries a sequence
// number beyond the local cursor. up tells the loop whether the stream is
// open: its periodic poll is only the fallback while it is not.
type livePush struct {
	c    *Core
	sync func()
	up   atomic.Bool

	mu     sync.Mutex // guards cancel
	cancel context.CancelFunc
	wake   chan struct{} // any core event: the lock state may have changed
}

// run keeps the stream open until ctx ends. It holds no lock while the
// stream is open (package doc): its cancel function sits in c.cancels like
// a sync's, so Lock, Logout and Close end it, and EventLocked ends it too
// (a stream opened while a Lock was under way).
func (p *livePush) run(ctx context.Context) {
	p.wake = make(chan struct{}, 1)
	unsub := p.c.events.subscribe(func(e Event) {
		if e.Kind == EventLocked {
			p.stop()
		}
		select {
		case p.wake <- struct{}{}:
		default:
		}
	})
	defer unsub()
	for ctx.Err() == nil {
		err := p.once(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			p.c.log.Debug("event stream stopped", "err", classify("watch", err))
		}
		// Locked, logged out, no stream support, or a session the server
		// refused: wait until something changes (an unlock, a login).
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		}
	}
}

func (p *livePush) stop() {
	p.mu.Lock()
	if p.cancel != nil {
		p.cancel()
	}
	p.mu.Unlock()
}

// setUp records whether the stream is open and, when that changed, says
// so in the sync status (Live), which the app shows.
func (p *livePush) setUp(up bool) {
	if p.up.Swap(up) != up {
		p.c.setStatus(func(s *SyncStatus) { s.Live = up })
	}
}

// errNoStream: the account is locked or gone, or its Remote cannot stream.
var errNoStream = errors.New("no event stream")

// once opens the stream and keeps it (Watch reconnects) until it is
// cancelled or fails for good.
func (p *livePush) once(ctx context.Context) error {
	c := p.c
	if c.Locked() || !c.HasAccount() {
		return errNoStream
	}
	r, err := c.client()
	if err != nil {
		return err
	}
	s, ok := r.(streamer)
	if !ok {
		return errNoStream
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c.mu.Lock()
	if c.bundle == nil { // locked since the check above
		c.mu.Unlock()
		return errNoStream
	}
	key := c.nextCan
	c.nextCan++
	c.cancels[key] = cancel
	c.mu.Unlock()
	p.mu.Lock()
	p.cancel = cancel
	p.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.cancels, key)
		c.mu.Unlock()
		p.mu.Lock()
		p.cancel = nil
		p.mu.Unlock()
		p.setUp(false)
	}()
	cur, err := c.cursor(sctx)
	if err != nil {
		return err
	}
	return s.Watch(sctx, apiclient.StreamConfig{LastSeq: cur, OnState: p.setUp}, func(pk apiclient.Poke) {
		if cur, err := c.cursor(sctx); err != nil || pk.Seq > cur {
			p.sync()
		}
	})
}

// cursor is the change-feed position the vault pulled up to.
func (c *Core) cursor(ctx context.Context) (uint64, error) {
	var cur uint64
	err := c.v.View(ctx, func(tx *vault.Tx) error {
		var err error
		cur, err = tx.Cursor()
		return err
	})
	return cur, err
}

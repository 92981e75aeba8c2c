package core

import (
	"context"
	"errors"
	"sync"
	"time"

	"cipherleaf.dev/client/merge"
	"cipherleaf.dev/client/search"
	"cipherleaf.dev/client/syncer"
	"cipherleaf.dev/shared/note"
)

// Status returns the current sync state.
func (c *Core) Status() SyncStatus {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.status
}

func (c *Core) setStatus(fn func(s *SyncStatus)) {
	c.mu.Lock()
	fn(&c.status)
	s := c.status
	c.mu.Unlock()
	c.events.publish(Event{Kind: EventStatusChanged, Status: s})
}

// syncEngine returns the engine of the unlocked account.
func (c *Core) syncEngine() (*syncer.Engine, error) {
	r, err := c.client()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bundle == nil {
		return nil, ErrLocked
	}
	if c.engine != nil {
		return c.engine, nil
	}
	c.engine = syncer.New(syncer.Config{
		Vault:    c.v,
		Remote:   r,
		Codec:    c.codec(c.acct.UserID),
		Rotated:  c.adoptBundle,
		Merge:    merge.Note,
		OnUpdate: c.applyUpdates,
		Stage:    c.stagePull,
		Prepare: func(id string, n *note.Note) search.Prepared {
			return search.Prepare(doc(id, n))
		},
		Progress: func(done, total int) {
			c.setStatus(func(s *SyncStatus) { s.Done, s.Total = done, total })
		},
		Now:    c.cfg.Now,
		Logger: c.log,
		Hold:   c.held,
	})
	return c.engine, nil
}

// applyUpdates mirrors committed sync results into memory. Notes the
// syncer prepared while decrypting go into the search index in one batch.
func (c *Core) applyUpdates(ups []syncer.Update) { c.applyStaged(ups, nil) }

// applyStaged is applyUpdates with, if not nil, the index a first pull
// built apart from the same prepared notes (see stagePull): adopted when
// ups put exactly those notes, in that order, into an index that never
// held one; otherwise the index takes them as usual.
func (c *Core) applyStaged(ups []syncer.Update, st *staged) {
	if len(ups) == 0 {
		return
	}
	adopt := st != nil && st.matches(ups)
	var batch []search.Prepared
	if !adopt {
		batch = make([]search.Prepared, 0, len(ups))
	}
	c.mu.Lock()
	if c.bundle == nil { // a sync committing after Lock: memory stays empty
		c.mu.Unlock()
		return
	}
	changed := false
	var from, gone []string // notes another device changed, deleted
	// A first pull: the map is made at its size.
	if len(c.notes) == 0 && len(ups) >= 64 {
		c.notes = make(map[string]*entry, len(ups))
	}
	for _, u := range ups {
		switch {
		case u.Keep:
			if e, ok := c.notes[u.ID]; ok {
				e.pending = false
			}
		case u.Note == nil:
			delete(c.notes, u.ID)
			if !adopt { // else the staged index did the same
				c.index.PutPrepared(batch...) // in order: a later delete wins
				batch = batch[:0]
				c.index.Delete(u.ID)
			}
			gone = append(gone, u.ID)
			changed = true
		default:
			from = append(from, u.ID)
			c.notes[u.ID] = &entry{n: u.Note, pending: u.Pending}
			if adopt { // the staged index holds it
				changed = true
				continue
			}
			if u.Prepared != nil {
				batch = append(batch, *u.Prepared)
			} else {
				batch = append(batch, search.Prepare(doc(u.ID, u.Note)))
			}
			changed = true
		}
	}
	switch {
	case !adopt:
		c.index.PutPrepared(batch...)
	case c.index.Adopt(st.ix):
		c.stagedAdopted.Add(1)
	default: // the index took a note meanwhile
		st.putInto(c.index)
	}
	s := c.status
	c.mu.Unlock()
	c.pulled(from)
	if changed {
		c.events.publish(Event{Kind: EventNotesChanged, Status: s, Changed: append(from, gone...)})
	}
}

// Sync pushes local edits and pulls everything new; see package syncer.
func (c *Core) Sync(ctx context.Context) (SyncReport, error) {
	c.keyMu.RLock()
	defer c.keyMu.RUnlock()
	eng, err := c.syncEngine()
	if err != nil {
		return SyncReport{}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c.mu.Lock()
	if c.bundle == nil { // locked or logged out since syncEngine
		c.mu.Unlock()
		return SyncReport{}, ErrLocked
	}
	key := c.nextCan
	c.nextCan++
	c.cancels[key] = cancel
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.cancels, key)
		c.mu.Unlock()
	}()
	c.setStatus(func(s *SyncStatus) { s.State, s.Done, s.Total, s.Err = StateSyncing, 0, 0, nil })
	err = c.resumeRotation(ctx)
	if err == nil {
		err = c.uploadAttachments(ctx) // before the notes that name them (SPEC §11.6)
	}
	var rep syncer.Report
	if err == nil {
		rep, err = eng.Sync(ctx)
	}
	if err == nil {
		err = c.maybePrune(ctx) // retire old generations once nothing uses them (SPEC §3.1 L3)
	}
	if err == nil {
		err = c.releaseAttachments(ctx)
	}
	if err == nil {
		err = c.migrateTrashDays() // a device-local retention becomes the account's, once (SPEC §12.5)
	}
	if err == nil {
		err = c.purgeTrash() // deletions go out with the next sync (SPEC §12.3)
	}
	err = classify("sync", err)
	pending, perr := c.v.PendingCount(context.Background())
	c.setStatus(func(s *SyncStatus) {
		if perr == nil {
			s.Pending = pending
		}
		switch {
		case err == nil:
			s.State, s.Err, s.LastSync = StateSynced, nil, c.cfg.Now()
		case errors.Is(err, ErrOffline):
			s.State, s.Err = StateOffline, err
		case errors.Is(err, context.Canceled):
			s.State, s.Err = StateIdle, nil
		default:
			s.State, s.Err = StateError, err
		}
	})
	if err != nil {
		c.log.Warn("sync stopped", "err", err)
	}
	return SyncReport{Pushed: rep.Pushed, Pulled: rep.Pulled, Merged: rep.Merged, Conflicts: rep.Conflicts,
		Resynced: rep.Resynced, Removed: rep.Removed, Rescued: rep.Rescued}, err
}

// StartAutoSync syncs every interval and shortly (Config.Debounce) after
// each edit, until ctx ends or the core is closed. While the account is
// unlocked it also keeps the server's event stream open and syncs as soon
// as a poke carries a sequence beyond the local cursor; the periodic sync
// then runs only while the stream is down (SPEC §7.10.1). Its timers come from
// Config.AfterFunc, so tests drive it without waiting. One sync runs at a
// time; a timer that fires meanwhile is remembered and runs after it.
func (c *Core) StartAutoSync(ctx context.Context, every time.Duration) {
	fire := make(chan struct{}, 1)
	poke := func() {
		select {
		case fire <- struct{}{}:
		default:
		}
	}
	push := &livePush{c: c, sync: poke}
	go func() {
		var (
			tmu     sync.Mutex // guards tick and stopped against the timer's goroutine
			tick    Timer
			stopped bool
			arm     func()
		)
		arm = func() {
			tmu.Lock()
			defer tmu.Unlock()
			if !stopped {
				tick = c.cfg.AfterFunc(every, func() {
					if !push.up.Load() { // polling is the fallback while the stream is down
						poke()
					}
					arm()
				})
			}
		}
		arm()
		pctx, stopPush := context.WithCancel(ctx)
		pushDone := make(chan struct{})
		go func() { defer close(pushDone); push.run(pctx) }()
		var debounce Timer
		defer func() {
			stopPush()
			<-pushDone
			tmu.Lock()
			stopped = true
			tick.Stop()
			tmu.Unlock()
			if debounce != nil {
				debounce.Stop()
			}
		}()
		for {
			select {
			case <-ctx.Done():
				return
			case <-c.done:
				return
			case <-c.kick:
				if debounce != nil {
					debounce.Stop()
				}
				debounce = c.cfg.AfterFunc(c.cfg.Debounce, poke)
			case <-fire:
				if c.Locked() || !c.HasAccount() {
					continue
				}
				if _, err := c.Sync(ctx); err != nil {
					c.log.Debug("auto-sync failed", "err", err)
				}
			}
		}
	}()
}

// resumeRotation re-seals, in small transactions, every live note still
// under an older key generation than the current one: the rest of a
// rotation interrupted by a crash, or notes another device wrote before it
// learnt the new key. Run at the start of every sync.
func (c *Core) resumeRotation(ctx context.Context) error {
	c.mu.RLock()
	userID, locked := "", c.bundle == nil
	if c.acct != nil {
		userID = c.acct.UserID
	}
	c.mu.RUnlock()
	if locked {
		return ErrLocked
	}
	return syncer.ResealOld(ctx, c.v, c.codec(userID))
}

package core

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/maphash"
	"time"

	"cipherleaf.dev/client/syncer"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
)

// Another process on the same profile (cipherleaf-cli beside the app)
// writes the vault behind this Core's back: SQLite keeps the file
// consistent, but the decrypted notes, the search index and the sync state
// live in memory. While the vault is unlocked a watcher asks the vault
// every Config.WatchEvery whether another connection committed
// (vault.IfChanged, a PRAGMA on one connection: a few microseconds), and
// when one did it mirrors the notes that changed into memory and sends the
// same EventNotesChanged a pull sends, so the front ends refresh the way
// they do after a pull (the app keeps unsaved typing in front of the
// person: ui's reloadIfIdle and followConflict).
//
// What changed is found without reading or decrypting every note: the
// watcher keeps a hash of each live row's vault.Stamp (revision, envelope
// length, and the envelope's head with the random nonce of its sealing;
// maphash with a per-watch random seed) and reads and opens only the rows
// whose stamp it has not seen. This Core's own writes make new stamps
// too; their notes decrypt to what memory already holds and are not
// reported.

// defaultWatchEvery is how often an unlocked Core looks for other
// processes' commits.
const defaultWatchEvery = time.Second

// vaultWatch is a running watcher; stop ends it, done closes when it has.
type vaultWatch struct {
	stop chan struct{}
	done chan struct{}
}

// watchPrints are the envelope hashes of the rows the watcher knows.
type watchPrints struct {
	seed maphash.Seed
	of   map[string]uint64
}

func newWatchPrints(rows []vault.Note) *watchPrints {
	p := &watchPrints{seed: maphash.MakeSeed(), of: make(map[string]uint64, len(rows))}
	for _, r := range rows {
		p.of[r.ID] = p.print(vault.StampOf(r))
	}
	return p
}

// print hashes what tells a row's versions apart: its revision, its
// envelope's length and head (with the random nonce of its sealing).
func (p *watchPrints) print(s vault.Stamp) uint64 {
	var h maphash.Hash
	h.SetSeed(p.seed)
	var buf [16]byte
	binary.LittleEndian.PutUint64(buf[:8], s.Rev)
	binary.LittleEndian.PutUint64(buf[8:], uint64(s.Len))
	h.Write(buf[:])
	h.Write(s.Head)
	return h.Sum64()
}

// startWatch starts the watcher for the bundle just opened, unless one
// runs (then it stops it first: prints belongs to the new one). Called
// by open after memory holds the notes of rows, read after the vault was
// at data version ver. The watcher looks again only once another
// connection has committed: a first look one interval later found every
// row this Core wrote meanwhile (an import, a first pull) unknown, and
// read and opened each again under the vault's write lock.
func (c *Core) startWatch(rows []vault.Note, ver int64) {
	if c.cfg.WatchEvery < 0 {
		return
	}
	c.stopWatch()
	w := &vaultWatch{stop: make(chan struct{}), done: make(chan struct{})}
	c.mu.Lock()
	c.watch = w
	c.mu.Unlock()
	go c.runWatch(w, newWatchPrints(rows), ver)
}

// stopWatch asks the running watcher to stop; it does not wait (Lock
// never waits). Close waits for it with waitWatch.
func (c *Core) stopWatch() {
	c.mu.Lock()
	w := c.watch
	c.watch = nil
	if w != nil {
		c.stopped = append(c.stopped, w)
	}
	c.mu.Unlock()
	if w != nil {
		close(w.stop)
	}
}

// waitWatch waits for every stopped watcher to end.
func (c *Core) waitWatch() {
	c.mu.Lock()
	ws := c.stopped
	c.stopped = nil
	c.mu.Unlock()
	for _, w := range ws {
		<-w.done
	}
}

func (c *Core) runWatch(w *vaultWatch, prints *watchPrints, ver int64) {
	defer close(w.done)
	t := time.NewTicker(c.cfg.WatchEvery)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
		nv, err := c.followVault(ver, prints)
		if err != nil {
			c.log.Debug("watch vault", "err", err)
		}
		ver = nv
	}
}

// errWatchStale ends a look at the vault begun under a bundle that is no
// longer open.
var errWatchStale = errors.New("watch: keys changed")

// followVault mirrors into memory what other processes committed since
// data version ver, and returns the version to look from next.
func (c *Core) followVault(ver int64, prints *watchPrints) (int64, error) {
	c.keyMu.RLock()
	defer c.keyMu.RUnlock()
	c.mu.RLock()
	b, a := c.bundle, c.acct
	c.mu.RUnlock()
	if b == nil || a == nil {
		return ver, nil
	}
	cd := syncer.Codec{UserID: a.UserID, Bundle: func() cryptobox.Bundle { return b }}
	var changed []string
	found := false
	ctx := context.Background()
	nv, err := c.v.IfChanged(ctx, ver, func(tx *vault.Tx) error {
		// Under the vault's write lock: no Update of this Core commits
		// (nor moves memory) until this returns.
		type opened struct {
			id      string
			n       *note.Note
			pending bool
		}
		var news []opened
		pendings := map[string]bool{}
		seen := make(map[string]uint64, len(prints.of))
		var stale []string
		err := tx.Stamps(func(st vault.Stamp) error {
			h := prints.print(st)
			seen[st.ID] = h
			pendings[st.ID] = st.Pending
			if old, ok := prints.of[st.ID]; !ok || old != h {
				stale = append(stale, st.ID)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range stale {
			r, err := tx.Note(id)
			if err != nil {
				return err
			}
			c.watchOpened.Add(1)
			n, err := cd.Open(r.ID, r.Rev, r.Envelope)
			if err != nil {
				c.log.Warn("note not opened", "note", r.ID, "err", err)
				continue // as at unlock: kept in the vault, not shown
			}
			news = append(news, opened{r.ID, n, r.Op != vault.OpNone})
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if len(c.bundle) == 0 || &c.bundle[0] != &b[0] {
			return errWatchStale
		}
		found = true
		for _, o := range news {
			if e, ok := c.notes[o.id]; ok && sameNote(e.n, o.n) {
				e.pending = o.pending
				continue
			}
			c.notes[o.id] = &entry{n: o.n, pending: o.pending}
			c.index.Put(doc(o.id, o.n))
			changed = append(changed, o.id)
		}
		for id, e := range c.notes {
			if _, ok := seen[id]; !ok {
				delete(c.notes, id)
				c.index.Delete(id)
				changed = append(changed, id)
				continue
			}
			e.pending = pendings[id]
		}
		// Another process may have pushed or pulled: the sync engine's
		// view of the server is read again from the vault at the next
		// sync.
		c.engine = nil
		prints.of = seen
		return nil
	})
	if errors.Is(err, errWatchStale) {
		return ver, nil
	}
	if err != nil || !found {
		return nv, err
	}
	pending, perr := c.v.PendingCount(ctx)
	c.mu.Lock()
	moved := perr == nil && c.status.Pending != pending
	if moved {
		c.status.Pending = pending
	}
	s := c.status
	c.mu.Unlock()
	switch {
	case len(changed) > 0:
		c.pulled(changed)
		c.events.publish(Event{Kind: EventNotesChanged, Status: s, Changed: changed})
	case moved:
		c.events.publish(Event{Kind: EventStatusChanged, Status: s})
	}
	return nv, nil
}

// sameNote reports whether a and b hold the same content.
func sameNote(a, b *note.Note) bool {
	ja, err1 := a.Marshal()
	jb, err2 := b.Marshal()
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

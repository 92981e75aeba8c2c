package syncer

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"cipherleaf.dev/client/manifest"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

// errNeedKeys stops a pull that met a key generation this device lacks:
// fetching the keys writes to the vault, so it happens outside the pull's
// transaction, and the pull starts again.
var errNeedKeys = errors.New("pull needs the account keys")

// pull reads the change feed since the cursor and applies it, verified,
// retrying once after fetching the account keys when a key rotation needs it.
func (e *Engine) pull(ctx context.Context, rep *Report) error {
	e.adopted = false
	for {
		err := e.pullOnce(ctx, rep)
		if !errors.Is(err, errNeedKeys) || e.adopted {
			return err
		}
		if err := e.adoptSuccessor(ctx); err != nil {
			return fmt.Errorf("pull changes: %w", err)
		}
		e.adopted = true
	}
}

// pullOnce reads the change feed since the cursor to its end and applies it
// in one vault transaction, only if the manifest of the last page verifies
// (SPEC §10.6). A producer fetches pages (the next one in flight), decrypts
// every new blob and counts every change in a copy of the manifest view;
// this goroutine gathers the pages and the verdict. Only then, with every
// network call finished, does the transaction open: no vault lock is ever
// held across network I/O, so a token refresh that persists new tokens
// during the fetch never waits for this pull (see package core's lock
// design). A detection leaves the vault untouched. A cursor the server
// answers 410 cursor_compacted (tombstones past it were compacted) turns the
// pull into a full resync from 0 against the same memory (SPEC §10.7).
func (e *Engine) pullOnce(ctx context.Context, rep *Report) error {
	v, err := e.loadView(ctx)
	if err != nil {
		return err
	}
	var cursor uint64
	if err := e.cfg.Vault.View(ctx, func(tx *vault.Tx) error {
		var err error
		cursor, err = tx.Cursor()
		return err
	}); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	st, got, m, seen, err := e.gather(ctx, cursor, v)
	full := false
	// Tombstones past the cursor were compacted: pull everything, verified
	// against the same memory (SPEC §10.7). A compaction between two pages
	// of that pull starts it again, a few times at most.
	for try := 0; try < 3 && isCursorCompacted(err); try++ {
		e.cfg.Logger.Info("change cursor compacted on the server: full resync", "cursor", cursor)
		full = true
		st, got, m, seen, err = e.gather(ctx, 0, v)
	}
	if err != nil {
		return err
	}
	var gone []string
	if full {
		// What the full feed did not list is gone from the server: the
		// manifest's digest says whether that is true.
		for _, id := range st.IDs() {
			if !seen[id] {
				st.Remove(id)
				gone = append(gone, id)
			}
		}
	}
	p, err := e.verify(v, st, m)
	if err != nil {
		return fmt.Errorf("pull changes: %w", err)
	}
	mem := manifest.Remember(v.mem, v.device, m, p)
	blob, err := mem.MarshalBinary()
	if err != nil {
		return err
	}
	changes := 0
	for _, pg := range got {
		changes += len(pg.ts)
	}
	ups := make([]Update, 0, changes)
	pulled := 0
	end := e.stage(got, changes)
	err = e.cfg.Vault.Update(ctx, func(tx *vault.Tx) error {
		ups, pulled = ups[:0], 0
		has, err := tx.HasNotes()
		if err != nil {
			return err
		}
		// Into an empty vault, a page's notes can only have rows the
		// pages before it wrote: those ids are kept instead of looking
		// up every note of every page.
		var written map[string]bool
		if !has {
			written = make(map[string]bool, changes)
		}
		for _, pg := range got {
			u, err := e.applyPage(tx, pg, rep, written)
			if err != nil {
				return err
			}
			ups = append(ups, u...)
			pulled += len(pg.ts)
		}
		if full {
			for _, id := range gone {
				u, err := e.dropCompacted(tx, id, rep)
				if err != nil {
					return err
				}
				ups = append(ups, u...)
			}
			// The feed's end, even below the old cursor (an empty feed
			// ends at 0): the next pull asks from there.
			if err := tx.SetCursor(got[len(got)-1].cursor); err != nil {
				return err
			}
		}
		if err := tx.SetManifestMemory(blob); err != nil {
			return err
		}
		tx.AfterCommit(func() {
			if end == nil {
				e.cfg.OnUpdate(ups)
				return
			}
			f := end
			end = nil
			f(ups, true)
		})
		return nil
	})
	if end != nil { // not committed
		end(nil, false)
	}
	if err != nil {
		return err
	}
	rep.Pulled += pulled
	rep.Resynced = rep.Resynced || full
	v.st, v.mem, v.cur, v.curP = st, mem, m, p
	return nil
}

// stage hands Config.Stage the updates that pages opened into an empty
// vault make while it is still empty, and returns its end; nil without a
// Stage or when a page was opened into a vault that held notes.
func (e *Engine) stage(pages []pulledPage, changes int) func([]Update, bool) {
	if e.cfg.Stage == nil {
		return nil
	}
	ups := make([]Update, 0, changes)
	for _, pg := range pages {
		if !pg.empty {
			return nil
		}
		for _, t := range pg.ts {
			ups = append(ups, Update{ID: t.c.ID, Note: t.n, Prepared: t.prep})
		}
	}
	return e.cfg.Stage(ups)
}

// gather fetches, opens and counts the feed from since to its end in a copy
// of the view's state (a producer goroutine fetches the next page while one
// is opened) and returns that state, the pages, the last page's manifest
// and the ids the feed listed.
func (e *Engine) gather(ctx context.Context, since uint64, v *view) (*manifest.State, []pulledPage, protocol.Manifest, map[string]bool, error) {
	st := v.st.Clone()
	pages := make(chan pulledPage, 2)
	seen := map[string]bool{}
	var verdict struct {
		m   protocol.Manifest
		err error
	}
	go func() {
		defer close(pages)
		verdict.m, verdict.err = e.produce(ctx, since, st, pages, seen)
	}()
	var got []pulledPage
	for pg := range pages {
		got = append(got, pg)
	}
	if verdict.err != nil {
		return nil, nil, protocol.Manifest{}, nil, verdict.err
	}
	return st, got, verdict.m, seen, nil
}

// produce fetches, checks, decrypts and counts the feed from since to its
// end, sending each page on out, and returns the last page's manifest.
func (e *Engine) produce(ctx context.Context, since uint64, st *manifest.State, out chan<- pulledPage, seen map[string]bool) (protocol.Manifest, error) {
	ctx, cancel := context.WithCancel(ctx) // ends a fetch begun ahead and not used
	defer cancel()
	cursor := since
	var taken atomic.Int64 // pages received here: a fetch may begin the next one early
	next := e.fetch(ctx, since, 0, &taken)
	done := 0
	for {
		f := <-next.ch
		next.cancel() // its answer is in: this frees its context
		taken.Add(1)
		if f.err != nil {
			return protocol.Manifest{}, fmt.Errorf("pull changes: %w", f.err)
		}
		page := f.page
		if err := checkPage(*page); err != nil {
			return protocol.Manifest{}, err
		}
		// Fetch the next page while this one is decrypted, unless that
		// fetch began as soon as this page arrived, on its own claim of
		// where it ends (which the decoded page has now confirmed).
		more := page.More && len(page.Changes) > 0
		ahead := f.ahead
		if ahead != nil && (!more || ahead.since != page.Next) {
			ahead.cancel()
			ahead = nil
		}
		if more {
			if ahead == nil {
				ahead = e.fetch(ctx, page.Next, next.index+1, &taken)
			}
			next = ahead
		}
		ts, counted, empty, err := e.openPage(ctx, page.Changes, st.Counter())
		if err != nil {
			return protocol.Manifest{}, err
		}
		ids := make([]string, len(page.Changes))
		for i, c := range page.Changes {
			if err := st.ApplyCounted(c.ID, c.Rev, c.Deleted, counted[i]); err != nil {
				return protocol.Manifest{}, fmt.Errorf("pull changes: %w", err)
			}
			ids[i] = c.ID
			seen[c.ID] = true
		}
		cursor = max(cursor, page.Next)
		pg := pulledPage{ts: ts, cursor: cursor, empty: empty, server: make([]vault.ServerNote, 0, len(ids))}
		for _, id := range ids {
			n, _ := st.Get(id)
			pg.server = append(pg.server, vault.ServerNote{ID: id, Rev: n.Rev, Deleted: n.Deleted, BlobHash: n.Hash})
		}
		select {
		case out <- pg:
		case <-ctx.Done():
			return protocol.Manifest{}, ctx.Err()
		}
		done += len(page.Changes)
		e.cfg.Progress(done, 0)
		if !more {
			if page.Manifest != nil {
				return *page.Manifest, nil
			}
			return protocol.Manifest{}, nil
		}
	}
}

// pulledPage is a page opened and counted, waiting for the verdict.
type pulledPage struct {
	ts     []theirs
	server []vault.ServerNote // the view's state of its notes
	cursor uint64             // the cursor once it is applied
	empty  bool               // opened while the vault held no note
}

type fetched struct {
	page  *protocol.ChangesResponse
	err   error
	ahead *fetching // the next page, begun on this page's claim, or nil
}

// fetching is a page being fetched in the background.
type fetching struct {
	since  uint64
	index  int64 // the page's place in the feed, from 0
	ch     chan fetched
	cancel context.CancelFunc
}

// aheadRemote is a Remote that tells where a page ends before decoding it
// (*apiclient.Client).
type aheadRemote interface {
	ChangesAhead(ctx context.Context, since uint64, limit int, ahead func(next uint64, more bool)) (*protocol.ChangesResponse, error)
}

// fetch requests the page after since in the background. With a remote
// that tells where a page ends as soon as its bytes arrive, it then also
// begins the page after it, while this one is decoded, if the pages
// before this one have all been taken: at most one page waits, one is
// decoded and one is asked for beyond the page being decrypted.
func (e *Engine) fetch(base context.Context, since uint64, index int64, taken *atomic.Int64) *fetching {
	ctx, cancel := context.WithCancel(base)
	f := &fetching{since: since, index: index, ch: make(chan fetched, 1), cancel: cancel}
	go func() {
		var ahead *fetching
		var p *protocol.ChangesResponse
		var err error
		if ar, ok := e.cfg.Remote.(aheadRemote); ok {
			p, err = ar.ChangesAhead(ctx, since, e.cfg.PageLimit, func(next uint64, more bool) {
				if more && next > since && taken.Load() >= index {
					ahead = e.fetch(base, next, index+1, taken)
				}
			})
		} else {
			p, err = e.cfg.Remote.Changes(ctx, since, e.cfg.PageLimit)
		}
		if err != nil && ahead != nil {
			ahead.cancel()
			ahead = nil
		}
		f.ch <- fetched{p, err, ahead}
	}()
	return f
}

// applyPage resolves a page against the local rows inside the pull's
// transaction and records its cursor and server view. A note new here is
// taken as it is (what resolve does for it), and such rows are written
// together in multi-row statements: on a first pull that is every note.
// They are written before anything else of the page touches the vault,
// so resolve always reads what the changes before it wrote.
//
// written, when not nil, holds the ids of the rows this transaction wrote
// into a vault that had none before it; the page's ids are added to it.
func (e *Engine) applyPage(tx *vault.Tx, pg pulledPage, rep *Report, written map[string]bool) ([]Update, error) {
	rows, err := loadRows(tx, pg.ts, written)
	if err != nil {
		return nil, err
	}
	ups := make([]Update, 0, len(pg.ts))
	fresh := make([]vault.Note, 0, len(pg.ts))
	flush := func() error {
		err := tx.PutNotes(fresh)
		fresh = fresh[:0]
		return err
	}
	for _, t := range pg.ts {
		if rows.isNew(t.c.ID) {
			row, err := acceptedRow(t.c, t.c.Rev)
			if err != nil {
				return nil, err
			}
			fresh = append(fresh, row)
			ups = append(ups, Update{ID: t.c.ID, Note: t.n, Prepared: t.prep})
			continue
		}
		if err := flush(); err != nil {
			return nil, err
		}
		local, exists, err := rows.get(tx, t.c.ID)
		if err != nil {
			return nil, err
		}
		u, err := e.resolve(tx, local, exists, t, rep)
		if err != nil {
			return nil, err
		}
		ups = append(ups, u...)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if err := tx.PutServerNotes(pg.server); err != nil {
		return nil, err
	}
	cur, err := tx.Cursor()
	if err != nil {
		return nil, err
	}
	if pg.cursor > cur {
		if err := tx.SetCursor(pg.cursor); err != nil {
			return nil, err
		}
	}
	return ups, nil
}

// checkPage refuses a malformed change. A change at or below the cursor is
// not refused: receiving one again changes nothing (SPEC §10.6, a stale
// cursor), and its content is checked like any other.
func checkPage(p protocol.ChangesResponse) error {
	for _, c := range p.Changes {
		if !protocol.ValidID(c.ID) || c.Rev == 0 || c.Seq == 0 || c.Deleted == (len(c.Blob) > 0) {
			return fmt.Errorf("pull changes: malformed change: %w", ErrBadResponse)
		}
	}
	return nil
}

// openPage decrypts the new blobs of a page and counts every change with
// counter, for the manifest state to apply in order, and reports whether
// the vault held no note. A revision below the one this device has seen
// for a note is a rollback; the echo of what it already holds needs no
// decryption (the view still checks its content).
func (e *Engine) openPage(ctx context.Context, changes []protocol.Change, counter manifest.Counter) ([]theirs, []manifest.Counted, bool, error) {
	known, empty, err := e.known(ctx, changes)
	if err != nil {
		return nil, nil, false, err
	}
	// Into an empty vault, Stage gets the notes to prepare: it does so
	// while the pull's transaction writes, when this device has a core to
	// spare, instead of now, when both are busy.
	prepare := e.cfg.Prepare != nil && !(empty && e.cfg.Stage != nil)
	ts, counted, err := e.decryptPage(ctx, changes, known, counter, prepare)
	return ts, counted, empty, err
}

// known marks the changes this device already holds (the echo of its own
// pushes): they need no decryption. A change below the note's seen revision
// is a rollback. empty reports that the vault holds no note at all.
func (e *Engine) known(ctx context.Context, changes []protocol.Change) (out []bool, empty bool, err error) {
	out = make([]bool, len(changes))
	ids := make([]string, len(changes))
	for i, c := range changes {
		ids[i] = c.ID
	}
	err = e.cfg.Vault.View(ctx, func(tx *vault.Tx) error {
		has, err := tx.HasNotes()
		if err != nil || !has {
			empty = err == nil
			return err // no row: nothing held, nothing to roll back
		}
		rows, err := tx.NotesByID(ids)
		if err != nil {
			return err
		}
		for i, c := range changes {
			if local, ok := rows[c.ID]; ok {
				if c.Rev < local.SeenRev {
					return manifest.Detect(manifest.ErrNoteRollback, fmt.Sprintf("note %s offered at revision %d after %d", c.ID, c.Rev, local.SeenRev))
				}
				out[i] = c.Rev <= local.BaseRev
			}
		}
		return nil
	})
	return out, empty, err
}

// rowCache holds the rows of a page read in one query; a note met twice
// in a page is read again (its first change rewrote it).
type rowCache struct {
	rows map[string]vault.Note
	used map[string]bool
}

// loadRows reads the rows of a page's notes. With written (see applyPage)
// and none of the page's ids in it, there are none to read.
func loadRows(tx *vault.Tx, ts []theirs, written map[string]bool) (*rowCache, error) {
	ids := make([]string, len(ts))
	fresh := written != nil
	for i, t := range ts {
		ids[i] = t.c.ID
		fresh = fresh && !written[t.c.ID]
	}
	for _, id := range ids {
		if written != nil {
			written[id] = true
		}
	}
	if fresh { // every id is new to the vault
		return &rowCache{rows: map[string]vault.Note{}, used: make(map[string]bool, len(ids))}, nil
	}
	rows, err := tx.NotesByID(ids)
	if err != nil {
		return nil, err
	}
	return &rowCache{rows: rows, used: make(map[string]bool, len(ids))}, nil
}

// isNew reports whether id is met for the first time in the page and has
// no row, and if so counts it as met.
func (rc *rowCache) isNew(id string) bool {
	if _, ok := rc.rows[id]; ok || rc.used[id] {
		return false
	}
	rc.used[id] = true
	return true
}

func (rc *rowCache) get(tx *vault.Tx, id string) (vault.Note, bool, error) {
	if rc.used[id] {
		n, err := tx.Note(id)
		if errors.Is(err, vault.ErrNotFound) {
			return vault.Note{}, false, nil
		}
		return n, err == nil, err
	}
	rc.used[id] = true
	n, ok := rc.rows[id]
	return n, ok, nil
}

// decryptPage opens every new blob of a page, in parallel for large pages,
// and, if prepare, prepares each note for the search index
// (Config.Prepare) while its text is at hand: the index only sees it after
// the pull commits. The same goroutines count every change for the
// manifest (hash and digest entry), which leaves the pull's own goroutine
// only the sums to do.
func (e *Engine) decryptPage(ctx context.Context, changes []protocol.Change, known []bool, counter manifest.Counter, prepare bool) ([]theirs, []manifest.Counted, error) {
	ts := make([]theirs, len(changes))
	counted := make([]manifest.Counted, len(changes))
	errs := make([]error, len(changes))
	op, err := e.cfg.Codec.opener() // locked: each note says so below
	if err == nil {
		defer op.Wipe()
	}
	workers := min(runtime.GOMAXPROCS(0), (len(changes)+63)/64)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(changes); i += workers {
				ts[i].c = changes[i]
				counted[i] = counter.Count(changes[i].ID, changes[i].Rev, changes[i].Deleted, changes[i].Blob)
				if !changes[i].Deleted && !known[i] {
					ts[i].n, errs[i] = e.cfg.Codec.openWith(op, changes[i].ID, changes[i].Rev, changes[i].Blob)
					if ts[i].n != nil && prepare {
						p := e.cfg.Prepare(changes[i].ID, ts[i].n)
						ts[i].prep = &p
					}
				}
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		switch {
		case err == nil || errors.Is(err, ErrNewerFormat):
		case errors.Is(err, cryptobox.ErrUnknownGeneration) && e.adopted:
			return nil, nil, fmt.Errorf("open note %s: %w", changes[i].ID, ErrUnknownKey)
		case errors.Is(err, cryptobox.ErrUnknownGeneration):
			return nil, nil, errNeedKeys
		case errors.Is(err, manifest.ErrTamperedNote):
			return nil, nil, manifest.Detect(manifest.ErrTamperedNote, err.Error())
		default:
			return nil, nil, err
		}
	}
	return ts, counted, nil
}

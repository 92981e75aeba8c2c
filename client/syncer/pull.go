package syncer

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"cipherleaf.dev/client/manifest"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

// pull reads the change feed since the cursor to its end, page by page
// (the next page in flight while one is opened), decrypting every new blob
// and applying every change to a copy of the manifest view, then verifies
// the manifest of the last page (SPEC §10.6). Only then are the pages
// applied to the vault, one transaction per page with the cursor and the
// server view, the last one with the manifest memory. A detection leaves
// the vault untouched.
func (e *Engine) pull(ctx context.Context, rep *Report) error {
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
	st := v.st.Clone()
	since := cursor
	next := e.fetch(ctx, since)
	var pages []pulledPage
	var m protocol.Manifest
	done := 0
	for {
		f := <-next
		if f.err != nil {
			return fmt.Errorf("pull changes: %w", f.err)
		}
		page := f.page
		if err := checkPage(*page); err != nil {
			return err
		}
		// Fetch the next page while this one is decrypted.
		more := page.More && len(page.Changes) > 0
		if more {
			next = e.fetch(ctx, page.Next)
		}
		ts, err := e.openPage(ctx, page.Changes)
		if err != nil {
			return err
		}
		for _, c := range page.Changes {
			if err := st.Apply(c.ID, c.Rev, c.Deleted, c.Blob); err != nil {
				return fmt.Errorf("pull changes: %w", err)
			}
		}
		cursor = max(cursor, page.Next)
		pages = append(pages, pulledPage{ts: ts, cursor: cursor})
		done += len(page.Changes)
		e.cfg.Progress(done, 0)
		if !more {
			if page.Manifest != nil {
				m = *page.Manifest
			}
			break
		}
	}
	p, err := e.verify(ctx, v, st, m)
	if err != nil {
		return fmt.Errorf("pull changes: %w", err)
	}
	mem := manifest.Remember(v.mem, v.device, m, p)
	memBlob, err := mem.MarshalBinary()
	if err != nil {
		return err
	}
	for i, pg := range pages {
		var last []byte
		if i == len(pages)-1 {
			last = memBlob
		}
		if err := e.applyPage(ctx, pg, st, last, rep); err != nil {
			return err
		}
	}
	v.st, v.mem, v.cur, v.curP = st, mem, m, p
	return nil
}

// pulledPage is a page opened and counted, waiting for the verdict.
type pulledPage struct {
	ts     []theirs
	cursor uint64 // the cursor once it is applied
}

type fetched struct {
	page *protocol.ChangesResponse
	err  error
}

// fetch requests the page after since in the background.
func (e *Engine) fetch(ctx context.Context, since uint64) <-chan fetched {
	ch := make(chan fetched, 1)
	go func() {
		p, err := e.cfg.Remote.Changes(ctx, since, e.cfg.PageLimit)
		ch <- fetched{p, err}
	}()
	return ch
}

// applyPage applies a verified page with its cursor and the server view of
// its notes in one transaction; memBlob, when set, is stored with it.
func (e *Engine) applyPage(ctx context.Context, pg pulledPage, st *manifest.State, memBlob []byte, rep *Report) error {
	var ups []Update
	err := e.cfg.Vault.Update(ctx, func(tx *vault.Tx) error {
		rows, err := loadRows(tx, pg.ts)
		if err != nil {
			return err
		}
		ids := make([]string, len(pg.ts))
		for i, t := range pg.ts {
			ids[i] = t.c.ID
			local, exists, err := rows.get(tx, t.c.ID)
			if err != nil {
				return err
			}
			u, err := e.resolve(tx, local, exists, t, rep)
			if err != nil {
				return err
			}
			ups = append(ups, u...)
		}
		if err := putServerNotes(tx, st, ids); err != nil {
			return err
		}
		cur, err := tx.Cursor()
		if err != nil {
			return err
		}
		if pg.cursor > cur {
			if err := tx.SetCursor(pg.cursor); err != nil {
				return err
			}
		}
		if memBlob != nil {
			if err := tx.SetManifestMemory(memBlob); err != nil {
				return err
			}
		}
		tx.AfterCommit(func() { e.cfg.OnUpdate(ups) })
		return nil
	})
	if err != nil {
		return err
	}
	rep.Pulled += len(pg.ts)
	return nil
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

// openPage decrypts the new blobs of a page. A revision below the one this
// device has seen for a note is a rollback; the echo of what it already
// holds needs no decryption (the view still checks its content).
func (e *Engine) openPage(ctx context.Context, changes []protocol.Change) ([]theirs, error) {
	known, err := e.known(ctx, changes)
	if err != nil {
		return nil, err
	}
	return e.decryptPage(ctx, changes, known)
}

// known marks the changes this device already holds (the echo of its own
// pushes): they need no decryption. A change below the note's seen revision
// is a rollback.
func (e *Engine) known(ctx context.Context, changes []protocol.Change) ([]bool, error) {
	out := make([]bool, len(changes))
	ids := make([]string, len(changes))
	for i, c := range changes {
		ids[i] = c.ID
	}
	err := e.cfg.Vault.View(ctx, func(tx *vault.Tx) error {
		rows, err := tx.NotesByID(ids)
		if err != nil {
			return err
		}
		for i, c := range changes {
			if local, ok := rows[c.ID]; ok {
				if c.Rev < local.SeenRev {
					return manifest.Detect(ErrRollback, fmt.Sprintf("note %s offered at revision %d after %d", c.ID, c.Rev, local.SeenRev))
				}
				out[i] = c.Rev <= local.BaseRev
			}
		}
		return nil
	})
	return out, err
}

// rowCache holds the rows of a page read in one query; a note met twice
// in a page is read again (its first change rewrote it).
type rowCache struct {
	rows map[string]vault.Note
	used map[string]bool
}

func loadRows(tx *vault.Tx, ts []theirs) (*rowCache, error) {
	ids := make([]string, len(ts))
	for i, t := range ts {
		ids[i] = t.c.ID
	}
	rows, err := tx.NotesByID(ids)
	if err != nil {
		return nil, err
	}
	return &rowCache{rows: rows, used: map[string]bool{}}, nil
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

// decryptPage opens every new blob of a page, in parallel for large pages.
func (e *Engine) decryptPage(ctx context.Context, changes []protocol.Change, known []bool) ([]theirs, error) {
	ts := make([]theirs, len(changes))
	errs := make([]error, len(changes))
	workers := min(runtime.GOMAXPROCS(0), (len(changes)+63)/64)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(changes); i += workers {
				ts[i].c = changes[i]
				if !changes[i].Deleted && !known[i] {
					ts[i].n, errs[i] = e.cfg.Codec.Open(changes[i].ID, changes[i].Rev, changes[i].Blob)
				}
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		switch {
		case err == nil || errors.Is(err, ErrNewerFormat):
		case errors.Is(err, cryptobox.ErrUnknownGeneration):
			n, err := e.open(ctx, changes[i])
			if errors.Is(err, ErrTampered) {
				return nil, manifest.Detect(ErrTampered, err.Error())
			}
			if err != nil && !errors.Is(err, ErrNewerFormat) {
				return nil, err
			}
			ts[i].n = n
		case errors.Is(err, ErrTampered):
			return nil, manifest.Detect(ErrTampered, err.Error())
		default:
			return nil, err
		}
	}
	return ts, nil
}

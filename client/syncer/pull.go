package syncer

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

// pull applies the change feed since the cursor, one page per transaction
// together with the new cursor. A page is decrypted entirely before anything
// of it is written.
func (e *Engine) pull(ctx context.Context, rep *Report) error {
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
	next := e.fetch(ctx, cursor)
	done := 0
	for {
		f := <-next
		if f.err != nil {
			return fmt.Errorf("pull changes: %w", f.err)
		}
		page := f.page
		if err := checkPage(*page, cursor); err != nil {
			return err
		}
		// Fetch the next page while this one is decrypted and applied.
		more := page.More && len(page.Changes) > 0
		if more {
			next = e.fetch(ctx, page.Next)
		}
		if err := e.applyPage(ctx, page, rep); err != nil {
			return err
		}
		cursor = page.Next
		done += len(page.Changes)
		e.cfg.Progress(done, 0)
		if !more {
			return nil
		}
	}
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

// applyPage decrypts a page completely, then applies it with the new cursor
// in one transaction.
func (e *Engine) applyPage(ctx context.Context, page *protocol.ChangesResponse, rep *Report) error {
	known, err := e.known(ctx, page.Changes)
	if err != nil {
		return err
	}
	ts, err := e.decryptPage(ctx, page.Changes, known)
	if err != nil {
		return err
	}
	var ups []Update
	err = e.cfg.Vault.Update(ctx, func(tx *vault.Tx) error {
		rows, err := loadRows(tx, ts)
		if err != nil {
			return err
		}
		for _, t := range ts {
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
		if err := tx.SetCursor(page.Next); err != nil {
			return err
		}
		tx.AfterCommit(func() { e.cfg.OnUpdate(ups) })
		return nil
	})
	if err != nil {
		return err
	}
	rep.Pulled += len(page.Changes)
	return nil
}

func checkPage(p protocol.ChangesResponse, since uint64) error {
	if p.Next < since {
		return fmt.Errorf("pull changes: cursor went back from %d to %d: %w", since, p.Next, ErrRollback)
	}
	for _, c := range p.Changes {
		if !protocol.ValidID(c.ID) || c.Rev == 0 || c.Seq <= since || c.Deleted == (len(c.Blob) > 0) {
			return fmt.Errorf("pull changes: malformed change: %w", ErrBadResponse)
		}
	}
	return nil
}

// known marks the changes this device already holds (the echo of its own
// pushes): they need no decryption. resolve still checks them for rollback.
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
			if err != nil && !errors.Is(err, ErrNewerFormat) {
				return nil, err
			}
			ts[i].n = n
		default:
			return nil, err
		}
	}
	return ts, nil
}

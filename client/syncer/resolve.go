package syncer

import (
	"bytes"
	"errors"
	"fmt"

	"cipherleaf.dev/client/manifest"
	"cipherleaf.dev/client/search"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// theirs is a server change with its decrypted note (nil when deleted or
// when it needs a newer Cipherleaf) and, with Config.Prepare, the note
// prepared for the search index.
type theirs struct {
	c    protocol.Change
	n    *note.Note
	prep *search.Prepared
}

// resolve applies the server's current state t of a note to its local row
// (exists = false: unknown here) inside tx. Local pending edits are never
// lost: they are merged, recreated over a delete, or kept as a conflicted
// copy.
func (e *Engine) resolve(tx *vault.Tx, local vault.Note, exists bool, t theirs, rep *Report) ([]Update, error) {
	c := t.c
	if exists && c.Rev < local.SeenRev {
		return nil, manifest.Detect(manifest.ErrNoteRollback, fmt.Sprintf("note %s offered at revision %d after %d", c.ID, c.Rev, local.SeenRev))
	}
	seen := c.Rev
	if exists {
		seen = max(local.SeenRev, c.Rev)
	}
	if exists && c.Rev <= local.BaseRev {
		// Already known (e.g. the echo of our own push).
		if seen != local.SeenRev {
			local.SeenRev = seen
			return nil, tx.PutNote(local)
		}
		return nil, nil
	}
	if exists && local.Op == vault.OpPut && !c.Deleted && c.Rev == local.Rev && bytes.Equal(c.Blob, local.Envelope) {
		// Our own write, applied though its answer was lost.
		ok, err := tx.Dequeue(c.ID, local.Version)
		if err != nil {
			return nil, err
		}
		if ok {
			local.BaseRev, local.BaseEnvelope, local.SeenRev = c.Rev, nil, seen
			return []Update{{ID: c.ID, Keep: true}}, tx.PutNote(local)
		}
	}
	accept := func() ([]Update, error) {
		row, err := acceptedRow(c, seen)
		if err != nil {
			return nil, err
		}
		if err := tx.PutNote(row); err != nil {
			return nil, err
		}
		if exists && local.Op != vault.OpNone {
			if _, err := tx.Dequeue(c.ID, local.Version); err != nil {
				return nil, err
			}
		}
		return []Update{{ID: c.ID, Note: t.n, Prepared: t.prep}}, nil
	}
	if !exists || local.Op == vault.OpNone || local.Op == vault.OpDelete {
		// In sync here, or our delete meets their edit/delete: the edit wins.
		return accept()
	}

	ours, err := e.cfg.Codec.Open(c.ID, local.Rev, local.Envelope)
	if err != nil {
		return nil, fmt.Errorf("open local note: %w", err)
	}
	if c.Deleted {
		// Our edit beats their delete: recreate on top of the tombstone.
		// If the server compacts that tombstone before the push, the
		// push is refused with current revision 0 and rescueRefused moves
		// the edit to a new id (SPEC §10.7), so the sync never wedges.
		env, gen, err := e.cfg.Codec.Reseal(c.ID, local.Rev, c.Rev+1, local.Envelope)
		if err != nil {
			return nil, err
		}
		row := vault.Note{ID: c.ID, Rev: c.Rev + 1, Envelope: env, Gen: gen, BaseRev: c.Rev, SeenRev: seen}
		if err := e.requeue(tx, row); err != nil {
			return nil, err
		}
		rep.Merged++
		return []Update{{ID: c.ID, Note: ours, Pending: true}}, nil
	}
	if t.n != nil {
		base := &note.Note{}
		if b := local.Base(); b != nil && local.BaseRev > 0 {
			if base, err = e.cfg.Codec.Open(c.ID, local.BaseRev, b); err != nil {
				return nil, fmt.Errorf("open merge base: %w", err)
			}
		}
		if merged, ok := e.cfg.Merge(base, ours, t.n); ok {
			env, gen, err := e.cfg.Codec.Seal(c.ID, c.Rev+1, merged)
			if err != nil {
				return nil, err
			}
			row := vault.Note{ID: c.ID, Rev: c.Rev + 1, Envelope: env, Gen: gen, BaseRev: c.Rev, BaseEnvelope: c.Blob, SeenRev: seen}
			if err := e.requeue(tx, row); err != nil {
				return nil, err
			}
			rep.Merged++
			e.cfg.Logger.Debug("merged concurrent edits", "note", c.ID, "rev", c.Rev)
			return []Update{{ID: c.ID, Note: merged, Pending: true}}, nil
		}
	}
	// Overlapping edits: the server's version stays, ours becomes a copy.
	ups, err := accept()
	if err != nil {
		return nil, err
	}
	copyID, err := e.cfg.NewID()
	if err != nil {
		return nil, err
	}
	cp := *ours
	cp.ConflictOf = c.ID
	env, gen, err := e.cfg.Codec.Seal(copyID, 1, &cp)
	if err != nil {
		return nil, err
	}
	if err := tx.PutNote(vault.Note{ID: copyID, Rev: 1, Envelope: env, Gen: gen}); err != nil {
		return nil, err
	}
	if err := tx.Queue(copyID, vault.OpPut); err != nil {
		return nil, err
	}
	rep.Conflicts++
	e.cfg.Logger.Info("kept a conflicted copy", "note", c.ID, "copy", copyID)
	return append(ups, Update{ID: copyID, Note: &cp, Pending: true}), nil
}

// acceptedRow is the local row of the server's change c taken as it is,
// with seen as the highest revision seen.
func acceptedRow(c protocol.Change, seen uint64) (vault.Note, error) {
	row := vault.Note{ID: c.ID, Rev: c.Rev, BaseRev: c.Rev, SeenRev: seen, Deleted: c.Deleted}
	if !c.Deleted {
		row.Envelope = c.Blob
		// A newer envelope version is kept untouched with generation 0.
		gen, err := cryptobox.EnvelopeGeneration(c.Blob)
		if err != nil && !errors.Is(err, cryptobox.ErrUnsupportedVersion) {
			return vault.Note{}, fmt.Errorf("note %s: %w", c.ID, manifest.ErrTamperedNote)
		}
		row.Gen = gen
	}
	return row, nil
}

// requeue writes row and (re)queues a put, bumping the pending version so
// that an in-flight push of the older envelope does not clear it.
func (e *Engine) requeue(tx *vault.Tx, row vault.Note) error {
	if err := tx.PutNote(row); err != nil {
		return err
	}
	return tx.Queue(row.ID, vault.OpPut)
}

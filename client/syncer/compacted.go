package syncer

import (
	"context"
	"errors"
	"fmt"

	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/protocol"
)

// This file is the catch-up after tombstone compaction (SPEC §10.7): a full
// resync when the server answers 410 cursor_compacted, and the rule that a
// device never writes again an id whose tombstone may be gone.

// isCursorCompacted reports whether err is the server's 410 cursor_compacted.
func isCursorCompacted(err error) bool {
	var ae *protocol.APIError
	return errors.As(err, &ae) && ae.Code == protocol.CodeCursorCompacted
}

// dropCompacted applies, inside the full resync's transaction, that the
// server no longer holds note id (verified: the manifest's digest agreed).
// The local note is deleted; a pending local edit of it is first kept as a
// new note.
func (e *Engine) dropCompacted(tx *vault.Tx, id string, rep *Report) ([]Update, error) {
	if err := tx.DeleteServerNote(id); err != nil {
		return nil, err
	}
	local, err := tx.Note(id)
	if errors.Is(err, vault.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ups []Update
	if local.Op == vault.OpPut {
		u, err := e.rescue(tx, local, rep)
		if err != nil {
			return nil, err
		}
		ups = append(ups, u)
	}
	if err := tx.DeleteNote(id); err != nil { // and its pending op
		return nil, err
	}
	if !local.Deleted && local.Op != vault.OpPut {
		rep.Removed++
	}
	return append(ups, Update{ID: id}), nil
}

// rescue keeps the pending edit of local, whose id must not be written
// again, as a new note (revision 1) and queues it.
func (e *Engine) rescue(tx *vault.Tx, local vault.Note, rep *Report) (Update, error) {
	n, err := e.cfg.Codec.Open(local.ID, local.Rev, local.Envelope)
	if err != nil {
		return Update{}, fmt.Errorf("open local note: %w", err)
	}
	id, err := e.cfg.NewID()
	if err != nil {
		return Update{}, err
	}
	env, gen, err := e.cfg.Codec.Seal(id, 1, n)
	if err != nil {
		return Update{}, err
	}
	if err := tx.PutNote(vault.Note{ID: id, Rev: 1, Envelope: env, Gen: gen}); err != nil {
		return Update{}, err
	}
	if err := tx.Queue(id, vault.OpPut); err != nil {
		return Update{}, err
	}
	rep.Rescued++
	e.cfg.Logger.Info("kept an edit of a note deleted elsewhere as a new note", "note", local.ID, "new", id)
	return Update{ID: id, Note: n, Pending: true}, nil
}

// rescueRefused handles a refused atomic batch whose ops were answered
// conflict with current revision 0 although they were based on a revision
// above 0: the note is gone from the server. If the verified view holds it
// as a tombstone (or not at all), its tombstone was compacted: a pending
// edit moves to a new id and a pending delete is dropped (SPEC §10.7). If the
// view holds it live the answer is not believed; the next pull decides.
func (e *Engine) rescueRefused(ctx context.Context, v *view, r sent, rep *Report) error {
	if len(r.resp.Results) != len(r.sb.ops) {
		return nil
	}
	var gone []vault.Note
	for i, res := range r.resp.Results {
		op := r.sb.ops[i]
		if res.Status != protocol.StatusConflict || res.ID != op.ID || res.Current == nil || res.Current.Rev != 0 || op.BaseRev == 0 {
			continue
		}
		if n, ok := v.st.Get(op.ID); ok && !n.Deleted {
			continue
		}
		gone = append(gone, r.sb.sent[i])
	}
	if len(gone) == 0 {
		return nil
	}
	var ups []Update
	return e.cfg.Vault.Update(ctx, func(tx *vault.Tx) error {
		ups = ups[:0]
		for _, sent := range gone {
			local, err := tx.Note(sent.ID)
			if errors.Is(err, vault.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if local.Op == vault.OpNone || local.BaseRev != sent.BaseRev {
				continue // settled or moved on meanwhile
			}
			if local.Op == vault.OpPut {
				u, err := e.rescue(tx, local, rep)
				if err != nil {
					return err
				}
				ups = append(ups, u)
			}
			if _, err := tx.Dequeue(local.ID, local.Version); err != nil {
				return err
			}
			base := local.BaseRev
			if err := tx.PutNote(vault.Note{ID: local.ID, Rev: base, BaseRev: base, SeenRev: max(local.SeenRev, base), Deleted: true}); err != nil {
				return err
			}
			ups = append(ups, Update{ID: local.ID})
		}
		tx.AfterCommit(func() { e.cfg.OnUpdate(ups) })
		return nil
	})
}

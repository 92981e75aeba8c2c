package syncer

import (
	"errors"
	"fmt"

	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/note"
)

// StageLocal records a local write inside tx: n sealed for base_rev + 1, or
// a delete when n is nil, and queues it for the next push (SPEC §8). The
// envelope of the last synced revision is kept as the merge base. It
// returns how the length of the pending queue changed (-1, 0 or +1).
func StageLocal(tx *vault.Tx, c Codec, id string, n *note.Note) (int, error) {
	row, err := tx.Note(id)
	exists := err == nil
	if err != nil && !errors.Is(err, vault.ErrNotFound) {
		return 0, err
	}
	if !exists {
		if n == nil {
			return 0, vault.ErrNotFound
		}
		row = vault.Note{ID: id}
	}
	delta := 0
	if row.Op == vault.OpNone {
		row.BaseEnvelope = row.Base()
		delta = 1
	}
	if n == nil {
		if row.BaseRev == 0 {
			// Never reached the server: forget it entirely.
			return delta - 1, tx.DeleteNote(id)
		}
		row.Deleted, row.Envelope, row.Gen, row.Rev = true, nil, 0, row.BaseRev+1
		if err := tx.PutNote(row); err != nil {
			return 0, err
		}
		return delta, tx.Queue(id, vault.OpDelete)
	}
	env, gen, err := c.Seal(id, row.BaseRev+1, n)
	if err != nil {
		return 0, err
	}
	row.Deleted, row.Envelope, row.Gen, row.Rev = false, env, gen, row.BaseRev+1
	if err := tx.PutNote(row); err != nil {
		return 0, err
	}
	return delta, tx.Queue(id, vault.OpPut)
}

// StageReseal re-seals a live note under the bundle's current key as a
// pending write (key rotation, SPEC §3). The payload is kept byte for byte.
func StageReseal(tx *vault.Tx, c Codec, row vault.Note) error {
	if row.Envelope == nil || row.Gen == c.Bundle().Current().Gen {
		return nil
	}
	if row.Op == vault.OpNone {
		row.BaseEnvelope = row.Base()
	}
	env, gen, err := c.Reseal(row.ID, row.Rev, row.BaseRev+1, row.Envelope)
	if err != nil {
		return fmt.Errorf("reseal note: %w", err)
	}
	row.Envelope, row.Gen, row.Rev = env, gen, row.BaseRev+1
	if err := tx.PutNote(row); err != nil {
		return err
	}
	return tx.Queue(row.ID, vault.OpPut)
}

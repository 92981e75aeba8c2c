package syncer

import (
	"context"
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
	b := c.Bundle()
	if b == nil {
		return ErrLocked
	}
	if row.Envelope == nil || row.Gen == b.Current().Gen {
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

// ResealOld re-seals, in transactions of up to 500 notes, every live note
// of the vault still under a generation older than the bundle's current one
// (SPEC §3.1 L1): the rest of a rotation, notes another device wrote before
// it learnt the new key, and pending writes sealed before this device
// adopted a new key in the middle of a sync. A note under a generation the
// bundle no longer holds is left for the pull to replace.
func ResealOld(ctx context.Context, v *vault.Vault, c Codec) error {
	for {
		b := c.Bundle()
		if b == nil {
			return ErrLocked
		}
		gen := b.Current().Gen
		staged := 0
		err := v.Update(ctx, func(tx *vault.Tx) error {
			rows, err := tx.OldGeneration(gen, 500)
			if err != nil {
				return err
			}
			for _, row := range rows {
				if _, ok := b.Lookup(row.Gen); !ok {
					continue
				}
				if err := StageReseal(tx, c, row); err != nil {
					return err
				}
				staged++
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("re-seal notes: %w", err)
		}
		if staged == 0 {
			return nil
		}
	}
}

package syncer

import (
	"context"
	"errors"
	"fmt"

	"cipherleaf.dev/client/manifest"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

// view is what the engine keeps of the manifest between syncs (SPEC §10.6):
// its view of the server's note set, its memory, and the manifest verified
// by the last pull (the base of the next write). It mirrors the vault's
// server_notes and manifest memory after every commit; any failed sync drops
// it so that the next one reloads it from the vault.
type view struct {
	device string
	st     *manifest.State
	mem    manifest.Memory
	cur    protocol.Manifest // verified by the last pull, or our last write
	curP   manifest.Payload
}

// loadView returns the cached view or reads it from the vault, digested
// under the bundle's current generation.
func (e *Engine) loadView(ctx context.Context) (*view, error) {
	if e.view != nil {
		d, err := e.digester(e.view.st.Generation())
		if err != nil {
			return nil, err
		}
		if err := e.view.st.Rekey(d, e.view.st.Generation()); err != nil {
			return nil, err
		}
		return e.view, nil
	}
	var dev string
	var memBlob []byte
	var rows []vault.ServerNote
	err := e.cfg.Vault.View(ctx, func(tx *vault.Tx) error {
		var err error
		if dev, err = tx.DeviceID(); err != nil {
			return err
		}
		if memBlob, err = tx.ManifestMemory(); err != nil {
			return err
		}
		rows, err = tx.ServerNotes()
		return err
	})
	if err != nil {
		return nil, err
	}
	if dev == "" {
		return nil, fmt.Errorf("load manifest view: vault has no device id")
	}
	v := &view{device: dev}
	if memBlob != nil {
		if err := v.mem.UnmarshalBinary(memBlob); err != nil {
			return nil, fmt.Errorf("load manifest view: %w", err)
		}
	}
	b := e.cfg.Codec.Bundle()
	if b == nil {
		return nil, ErrLocked
	}
	gen := b.Current().Gen
	d, err := e.digester(gen)
	if err != nil {
		return nil, err
	}
	notes := make([]manifest.HashedNote, len(rows))
	for i, r := range rows {
		notes[i] = manifest.HashedNote{ID: r.ID, Rev: r.Rev, Deleted: r.Deleted, Hash: r.BlobHash}
	}
	v.st = manifest.NewState(d, gen)
	if err := v.st.Restore(notes); err != nil {
		return nil, fmt.Errorf("load manifest view: %w", err)
	}
	e.view = v
	return v, nil
}

// digester returns the digest key of generation gen for this sync; Sync
// wipes every one it made when it ends.
func (e *Engine) digester(gen uint32) (*cryptobox.Digester, error) {
	if d, ok := e.digesters[gen]; ok {
		return d, nil
	}
	b := e.cfg.Codec.Bundle()
	if b == nil {
		return nil, ErrLocked
	}
	d, err := manifest.DigesterFor(b, gen)
	if err != nil {
		return nil, err
	}
	e.digesters[gen] = d
	return d, nil
}

// wipeDigesters ends a sync: the view keeps its entry values, never a key.
func (e *Engine) wipeDigesters() {
	if e.view != nil {
		e.view.st.Rekey(nil, e.view.st.Generation())
	}
	for g, d := range e.digesters {
		d.Wipe()
		delete(e.digesters, g)
	}
}

// verify runs the §10.6 checks on the manifest of a completed pull against
// st (the view with every pulled change applied). A manifest sealed under
// another key generation re-digests st under it; one under a generation this
// device lacks is errNeedKeys (fetch the keys, pull again).
func (e *Engine) verify(v *view, st *manifest.State, m protocol.Manifest) (manifest.Payload, error) {
	for range 2 {
		b := e.cfg.Codec.Bundle()
		if b == nil {
			return manifest.Payload{}, ErrLocked
		}
		p, err := manifest.Verify(b, e.cfg.Codec.UserID, v.device, v.mem, st, m)
		switch {
		case errors.Is(err, manifest.ErrDigestGeneration):
			gen, err := manifest.BlobGeneration(m.Blob)
			if err != nil {
				return manifest.Payload{}, err
			}
			d, err := e.digester(gen)
			if err != nil {
				return manifest.Payload{}, fmt.Errorf("verify manifest: %w", err)
			}
			if err := st.Rekey(d, gen); err != nil {
				return manifest.Payload{}, err
			}
		case errors.Is(err, cryptobox.ErrUnknownGeneration):
			if e.adopted {
				return manifest.Payload{}, manifest.Detect(manifest.ErrTamperedManifest, "sealed under a key generation the account never published")
			}
			return manifest.Payload{}, errNeedKeys
		default:
			return p, err
		}
	}
	return manifest.Payload{}, fmt.Errorf("verify manifest: key generation keeps changing: %w", ErrBadResponse)
}

// saveMemory persists mem in its own transaction.
func (e *Engine) saveMemory(ctx context.Context, mem manifest.Memory) error {
	blob, err := mem.MarshalBinary()
	if err != nil {
		return err
	}
	return e.cfg.Vault.Update(ctx, func(tx *vault.Tx) error { return tx.SetManifestMemory(blob) })
}

// putServerNotes records st's state of ids in tx.
func putServerNotes(tx *vault.Tx, st *manifest.State, ids []string) error {
	ns := make([]vault.ServerNote, 0, len(ids))
	for _, id := range ids {
		if n, ok := st.Get(id); ok {
			ns = append(ns, vault.ServerNote{ID: id, Rev: n.Rev, Deleted: n.Deleted, BlobHash: n.Hash})
		}
	}
	return tx.PutServerNotes(ns)
}

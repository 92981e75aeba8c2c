package vault

import (
	"context"
	"fmt"
)

// ServerNote is one row of server_notes: what this device knows the server
// holds for a note (SPEC §8), from which it rebuilds its set digest.
type ServerNote struct {
	ID       string
	Rev      uint64
	Deleted  bool
	BlobHash [32]byte // SHA-256 of the blob; of nothing for a tombstone
}

// PutServerNote records the server's state of one note.
func (tx *Tx) PutServerNote(n ServerNote) error {
	_, err := tx.exec(`INSERT INTO server_notes (id, rev, deleted, blob_hash) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, deleted = excluded.deleted, blob_hash = excluded.blob_hash`,
		n.ID, n.Rev, n.Deleted, n.BlobHash[:])
	if err != nil {
		return fmt.Errorf("write server note: %w", err)
	}
	return nil
}

// ServerNotes returns every row of server_notes.
func (tx *Tx) ServerNotes() ([]ServerNote, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT id, rev, deleted, blob_hash FROM server_notes`)
	if err != nil {
		return nil, fmt.Errorf("list server notes: %w", err)
	}
	defer rows.Close()
	var out []ServerNote
	for rows.Next() {
		var n ServerNote
		var h []byte
		if err := rows.Scan(&n.ID, &n.Rev, &n.Deleted, &h); err != nil {
			return nil, fmt.Errorf("list server notes: %w", err)
		}
		if len(h) != len(n.BlobHash) {
			return nil, fmt.Errorf("list server notes: hash of %d bytes", len(h))
		}
		copy(n.BlobHash[:], h)
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list server notes: %w", err)
	}
	return out, nil
}

// DeviceID returns this device's random id, named in the manifest's heads
// (SPEC §10.4). It is made with the vault, so it lives exactly as long as the
// manifest memory kept beside it.
func (tx *Tx) DeviceID() (string, error) { return tx.meta("device_id") }

// ManifestMemory returns what the device remembers of the manifest (an
// opaque blob of package manifest), nil if nothing yet.
func (tx *Tx) ManifestMemory() ([]byte, error) {
	s, err := tx.meta("manifest_memory")
	if err != nil || s == "" {
		return nil, err
	}
	return []byte(s), nil
}

// SetManifestMemory stores what the device remembers of the manifest.
func (tx *Tx) SetManifestMemory(m []byte) error { return tx.setMeta("manifest_memory", string(m)) }

// ensureDeviceID makes the device id of a vault that has none.
func (v *Vault) ensureDeviceID(ctx context.Context) error {
	return v.Update(ctx, func(tx *Tx) error {
		id, err := tx.meta("device_id")
		if err != nil || id != "" {
			return err
		}
		newID, err := NewID()
		if err != nil {
			return err
		}
		return tx.setMeta("device_id", newID)
	})
}

// DeleteServerNote forgets the server's state of one note: the server no
// longer holds it (its tombstone was compacted, SPEC §10.7).
func (tx *Tx) DeleteServerNote(id string) error {
	if _, err := tx.exec(`DELETE FROM server_notes WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete server note: %w", err)
	}
	return nil
}

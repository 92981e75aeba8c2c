package vault

import (
	"fmt"
	"strings"
)

// Multi-row forms of the per-note writes, for the syncer's bulk paths (a
// first pull, a push of many notes): one statement per up to maxChunk rows
// instead of one per row, which was most of the vault's share of a
// 10,000-note pull or push. A run of rows is cut into chunks whose sizes
// are powers of two, so each form prepares at most a handful of
// statements (Vault.prepared keeps them) whatever the run's length.
const maxChunk = 128

// chunks calls fn with consecutive pieces of [0, n) of power-of-two sizes
// up to maxChunk.
func chunks(n int, fn func(lo, hi int) error) error {
	for lo := 0; lo < n; {
		size := maxChunk
		for size > n-lo {
			size /= 2
		}
		if err := fn(lo, lo+size); err != nil {
			return err
		}
		lo += size
	}
	return nil
}

// placeholders returns rows groups of "(?, …, ?)" of cols each, comma-separated.
func placeholders(rows, cols int) string {
	one := "(?" + strings.Repeat(", ?", cols-1) + ")"
	return one + strings.Repeat(", "+one, rows-1)
}

// PutNotes writes the notes columns of every row, as PutNote does for each
// in order; an id must not appear twice.
func (tx *Tx) PutNotes(rows []Note) error {
	err := chunks(len(rows), func(lo, hi int) error {
		args := make([]any, 0, 6*(hi-lo))
		for _, n := range rows[lo:hi] {
			args = append(args, n.ID, n.Rev, n.BaseRev, n.BaseEnvelope, n.SeenRev, n.Deleted)
		}
		_, err := tx.exec(`INSERT INTO notes (id, rev, base_rev, base_envelope, seen_rev, deleted)
		VALUES `+placeholders(hi-lo, 6)+` ON CONFLICT (id) DO UPDATE SET `+noteUpdate, args...)
		if err != nil {
			return fmt.Errorf("write notes: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var live, gone []Note
	for _, n := range rows {
		if n.Envelope != nil {
			live = append(live, n)
		} else {
			gone = append(gone, n)
		}
	}
	err = chunks(len(live), func(lo, hi int) error {
		args := make([]any, 0, 3*(hi-lo))
		for _, n := range live[lo:hi] {
			args = append(args, n.ID, n.Gen, n.Envelope)
		}
		_, err := tx.exec(`INSERT INTO envelopes (note_id, gen, envelope)
		VALUES `+placeholders(hi-lo, 3)+` ON CONFLICT (note_id) DO UPDATE SET `+envelopeUpdate, args...)
		if err != nil {
			return fmt.Errorf("write note envelopes: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return chunks(len(gone), func(lo, hi int) error {
		args := make([]any, 0, hi-lo)
		for _, n := range gone[lo:hi] {
			args = append(args, n.ID)
		}
		_, err := tx.exec(`DELETE FROM envelopes WHERE note_id IN (`+strings.TrimSuffix(strings.Repeat("?, ", hi-lo), ", ")+`)`, args...)
		if err != nil {
			return fmt.Errorf("remove note envelopes: %w", err)
		}
		return nil
	})
}

// PutServerNotes records the server's state of every note, as
// PutServerNote does for each in order (an id met twice ends as its later
// state).
func (tx *Tx) PutServerNotes(ns []ServerNote) error {
	return chunks(len(ns), func(lo, hi int) error {
		args := make([]any, 0, 4*(hi-lo))
		for _, n := range ns[lo:hi] {
			args = append(args, n.ID, n.Rev, n.Deleted, n.BlobHash[:])
		}
		_, err := tx.exec(`INSERT INTO server_notes (id, rev, deleted, blob_hash) VALUES `+placeholders(hi-lo, 4)+`
		ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, deleted = excluded.deleted, blob_hash = excluded.blob_hash`, args...)
		if err != nil {
			return fmt.Errorf("write server notes: %w", err)
		}
		return nil
	})
}

// Queued names one pending entry at one version.
type Queued struct {
	ID      string
	Version int64
}

// DequeueEach removes the pending entry of every item still at its version,
// as Dequeue does for each, and reports for each item whether it did; an
// id must not appear twice.
func (tx *Tx) DequeueEach(items []Queued) ([]bool, error) {
	gone := make(map[string]bool, len(items))
	err := chunks(len(items), func(lo, hi int) error {
		args := make([]any, 0, 2*(hi-lo))
		for _, q := range items[lo:hi] {
			args = append(args, q.ID, q.Version)
		}
		// The rows are found through the note_id index: a row-value IN
		// (VALUES …) would scan the whole queue once per chunk.
		s, err := tx.stmt(`DELETE FROM pending WHERE seq IN (SELECT p.seq FROM (VALUES ` + placeholders(hi-lo, 2) + `) AS v
			JOIN pending p ON p.note_id = v.column1 AND p.version = v.column2) RETURNING note_id`)
		if err != nil {
			return err
		}
		rows, err := s.QueryContext(tx.ctx, args...)
		if err != nil {
			return fmt.Errorf("dequeue notes: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return fmt.Errorf("dequeue notes: %w", err)
			}
			gone[id] = true
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("dequeue notes: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]bool, len(items))
	for i, q := range items {
		out[i] = gone[q.ID]
	}
	return out, nil
}

package vault

import "fmt"

// Ack is a queued put the server acknowledged at revision Rev: the row it
// was read as is still the note's row (its queue entry was removed at the
// version read with it), so only its revisions change.
type Ack struct {
	ID  string
	Rev uint64
}

// AckPuts records every acknowledged put as PutNote does for the row read
// with it once Rev is its base and last-seen revision: rev and base_rev
// become Rev, seen_rev at least Rev, and no base envelope is kept. The
// envelope, in a table of its own, is not touched: the rows written are a
// few dozen bytes each (a whole-row write would bind and copy the envelope
// again, and SQLite would rewrite it with the row).
func (tx *Tx) AckPuts(acks []Ack) error {
	return chunks(len(acks), func(lo, hi int) error {
		args := make([]any, 0, 2*(hi-lo))
		for _, a := range acks[lo:hi] {
			args = append(args, a.ID, a.Rev)
		}
		_, err := tx.exec(`UPDATE notes SET rev = a.column2, base_rev = a.column2,
		seen_rev = max(notes.seen_rev, a.column2), base_envelope = NULL
		FROM (VALUES `+placeholders(hi-lo, 2)+`) AS a WHERE notes.id = a.column1`, args...)
		if err != nil {
			return fmt.Errorf("record pushed notes: %w", err)
		}
		return nil
	})
}

// PendingAfter returns up to limit queued notes whose queue position is
// after seq, in queue order, and the position of the last one (seq when
// there is none). A push reads its queue with it a batch at a time, each
// read while the batch before is on the wire.
func (tx *Tx) PendingAfter(seq int64, limit int) ([]Note, int64, error) {
	s, err := tx.stmt(`SELECT ` + noteColumns + `, p.seq FROM pending p JOIN notes n ON n.id = p.note_id
		LEFT JOIN envelopes e ON e.note_id = n.id WHERE p.seq > ? ORDER BY p.seq LIMIT ?`)
	if err != nil {
		return nil, seq, err
	}
	rows, err := s.QueryContext(tx.ctx, seq, limit)
	if err != nil {
		return nil, seq, fmt.Errorf("read queue: %w", err)
	}
	defer rows.Close()
	var out []Note
	for rows.Next() {
		n, err := scanNote(rows, &seq)
		if err != nil {
			return nil, seq, fmt.Errorf("read queue: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, seq, fmt.Errorf("read queue: %w", err)
	}
	return out, seq, nil
}

package vault

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Op is a pending operation on a note.
type Op string

// Pending operations; OpNone means the note is in sync.
const (
	OpNone   Op = ""
	OpPut    Op = "put"
	OpDelete Op = "delete"
)

// Note is one row of the notes table plus its pending queue entry.
type Note struct {
	ID           string
	Rev          uint64 // revision Envelope is sealed for
	Envelope     []byte // nil when deleted
	Gen          uint32 // key generation of Envelope
	BaseRev      uint64 // last revision known to be on the server
	BaseEnvelope []byte // server envelope at BaseRev while an edit is pending
	SeenRev      uint64 // highest revision received from the server
	Deleted      bool
	Op           Op    // pending operation, OpNone if in sync
	Version      int64 // pending version (bumped on each local write)
}

// Base returns the envelope of the last synced revision (the common base of
// a merge), or nil when there is none.
func (n *Note) Base() []byte {
	if n.BaseEnvelope != nil {
		return n.BaseEnvelope
	}
	if n.Op == OpNone && n.Rev == n.BaseRev && !n.Deleted {
		return n.Envelope
	}
	return nil
}

// noteColumns are read from noteFrom (or the same three tables joined
// under the same names): the notes row, its envelope (none when deleted)
// and its pending entry.
const noteColumns = `n.id, n.rev, e.envelope, COALESCE(e.gen, 0), n.base_rev, n.base_envelope, n.seen_rev, n.deleted,
	COALESCE(p.op, ''), COALESCE(p.version, 0)`

const noteFrom = `notes n LEFT JOIN envelopes e ON e.note_id = n.id LEFT JOIN pending p ON p.note_id = n.id`

// liveFrom is noteFrom restricted to notes with an envelope (not deleted).
const liveFrom = `envelopes e JOIN notes n ON n.id = e.note_id LEFT JOIN pending p ON p.note_id = n.id`

// scanNote reads noteColumns, then any columns after them into extra.
func scanNote(s interface{ Scan(...any) error }, extra ...any) (Note, error) {
	var n Note
	var op string
	err := s.Scan(append([]any{&n.ID, column[uint64]{&n.Rev}, &n.Envelope, column[uint32]{&n.Gen}, column[uint64]{&n.BaseRev},
		&n.BaseEnvelope, column[uint64]{&n.SeenRev}, &n.Deleted, &op, column[int64]{&n.Version}}, extra...)...)
	n.Op = Op(op)
	return n, err
}

// column scans an INTEGER column into an integer of type T, refusing a
// value T cannot hold. database/sql scans into an unsigned integer by
// formatting the value as a string and parsing it back, and into any other
// by reflection: reading a push's queue (five such columns a row) spent
// about a tenth of its time there.
type column[T uint32 | uint64 | int64] struct{ p *T }

func (c column[T]) Scan(src any) error {
	v, ok := src.(int64)
	if !ok || int64(T(v)) != v || (v < 0 && T(v) > 0) {
		return fmt.Errorf("scan integer column: %T %v does not fit %T", src, src, *c.p)
	}
	*c.p = T(v)
	return nil
}

// Note returns the row of id, or ErrNotFound.
func (tx *Tx) Note(id string) (Note, error) {
	// IN (?), not = ?: SQLite carries n.id = ? over the joins (constant
	// propagation) and then compiles the statement again for every new
	// id, inside sqlite3_step; that was most of a lookup's 35-60 µs.
	s, err := tx.stmt(`SELECT ` + noteColumns + ` FROM ` + noteFrom + ` WHERE n.id IN (?)`)
	if err != nil {
		return Note{}, err
	}
	n, err := scanNote(s.QueryRowContext(tx.ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Note{}, ErrNotFound
	}
	if err != nil {
		return Note{}, fmt.Errorf("read note: %w", err)
	}
	return n, nil
}

// PutNote writes the notes columns of n (not its pending entry): its row
// in notes, and its envelope (removed when nil). An envelope already
// stored with the same generation and bytes is not written again.
func (tx *Tx) PutNote(n Note) error {
	_, err := tx.exec(`INSERT INTO notes (id, rev, base_rev, base_envelope, seen_rev, deleted)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET `+noteUpdate,
		n.ID, n.Rev, n.BaseRev, n.BaseEnvelope, n.SeenRev, n.Deleted)
	if err != nil {
		return fmt.Errorf("write note: %w", err)
	}
	if n.Envelope == nil {
		_, err = tx.exec(`DELETE FROM envelopes WHERE note_id = ?`, n.ID)
	} else {
		_, err = tx.exec(`INSERT INTO envelopes (note_id, gen, envelope) VALUES (?, ?, ?)
		ON CONFLICT (note_id) DO UPDATE SET `+envelopeUpdate, n.ID, n.Gen, n.Envelope)
	}
	if err != nil {
		return fmt.Errorf("write note envelope: %w", err)
	}
	return nil
}

// noteUpdate and envelopeUpdate are the ON CONFLICT updates of an upsert
// into notes and envelopes; the second leaves an unchanged row alone.
const (
	noteUpdate = `rev = excluded.rev, base_rev = excluded.base_rev, base_envelope = excluded.base_envelope,
		seen_rev = excluded.seen_rev, deleted = excluded.deleted`
	envelopeUpdate = `gen = excluded.gen, envelope = excluded.envelope
		WHERE envelopes.gen IS NOT excluded.gen OR envelopes.envelope IS NOT excluded.envelope`
)

// Queue records a pending op on id (which must exist), bumping its version.
func (tx *Tx) Queue(id string, op Op) error {
	_, err := tx.exec(`INSERT INTO pending (note_id, op) VALUES (?, ?)
		ON CONFLICT (note_id) DO UPDATE SET op = excluded.op, version = pending.version + 1`, id, string(op))
	if err != nil {
		return fmt.Errorf("queue note: %w", err)
	}
	return nil
}

// Dequeue removes id's pending entry if its version is still version and
// reports whether it did.
func (tx *Tx) Dequeue(id string, version int64) (bool, error) {
	res, err := tx.exec(`DELETE FROM pending WHERE note_id = ? AND version = ?`, id, version)
	if err != nil {
		return false, fmt.Errorf("dequeue note: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("dequeue note: %w", err)
	}
	return n == 1, nil
}

// Notes calls fn for every note that has an envelope (not deleted).
func (tx *Tx) Notes(fn func(Note) error) error {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT `+noteColumns+` FROM `+liveFrom)
	if err != nil {
		return fmt.Errorf("list notes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		n, err := scanNote(rows)
		if err != nil {
			return fmt.Errorf("list notes: %w", err)
		}
		if err := fn(n); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list notes: %w", err)
	}
	return nil
}

// OldGeneration returns up to limit live notes sealed under a generation
// older than gen (the work left of a key rotation). Envelopes of a newer
// format are stored with generation 0 and never listed.
func (tx *Tx) OldGeneration(gen uint32, limit int) ([]Note, error) {
	return tx.query(`SELECT `+noteColumns+` FROM `+liveFrom+`
		WHERE e.gen > 0 AND e.gen < ? LIMIT ?`, gen, limit)
}

func (tx *Tx) query(q string, args ...any) ([]Note, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("query notes: %w", err)
	}
	defer rows.Close()
	var out []Note
	for rows.Next() {
		n, err := scanNote(rows)
		if err != nil {
			return nil, fmt.Errorf("query notes: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query notes: %w", err)
	}
	return out, nil
}

// PendingCount returns the number of pending operations.
func (tx *Tx) PendingCount() (int, error) {
	var n int
	if err := tx.tx.QueryRowContext(tx.ctx, "SELECT count(*) FROM pending").Scan(&n); err != nil {
		return 0, fmt.Errorf("count pending: %w", err)
	}
	return n, nil
}

// PendingCount returns the number of queued local changes.
func (v *Vault) PendingCount(ctx context.Context) (int, error) {
	var n int
	err := v.View(ctx, func(tx *Tx) error {
		var err error
		n, err = tx.PendingCount()
		return err
	})
	return n, err
}

// DeleteNote removes id's row, its envelope and its pending entry.
func (tx *Tx) DeleteNote(id string) error {
	if _, err := tx.exec(`DELETE FROM notes WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete note: %w", err)
	}
	return nil
}

// NotesByID returns the rows of the given ids that exist, in one query.
func (tx *Tx) NotesByID(ids []string) (map[string]Note, error) {
	out := make(map[string]Note, len(ids))
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		q := `SELECT ` + noteColumns + ` FROM ` + noteFrom + ` WHERE n.id IN (?` +
			strings.Repeat(",?", len(part)-1) + `)`
		s, err := tx.stmt(q)
		if err != nil {
			return nil, err
		}
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := s.QueryContext(tx.ctx, args...)
		if err != nil {
			return nil, fmt.Errorf("read notes: %w", err)
		}
		for rows.Next() {
			n, err := scanNote(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("read notes: %w", err)
			}
			out[n.ID] = n
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("read notes: %w", err)
		}
	}
	return out, nil
}

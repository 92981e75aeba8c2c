package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"cipherleaf.dev/shared/protocol"
)

// Write is one put (Blob set) or delete (Delete true) of a note.
type Write struct {
	ID      string
	BaseRev uint64
	Blob    []byte
	Delete  bool
}

// applied is the outcome of one Write inside a transaction.
type applied struct {
	rev, seq uint64
	used     int64 // the user's stored bytes after the write
	delta    int64 // change of stored bytes
	conflict *protocol.Change
}

// apply performs w for userID inside tx: compare-and-swap on the revision,
// next sequence number, byte accounting. A stale base gives a conflict, not
// an error.
func (s *Store) apply(ctx context.Context, tx *sql.Tx, userID int64, w *Write) (applied, error) {
	var a applied
	var curRev, curSeq uint64
	var curLen sql.NullInt64
	err := tx.StmtContext(ctx, s.stmts.noteGet).QueryRowContext(ctx, userID, w.ID).Scan(&curRev, &curSeq, &curLen)
	exists := true
	if errors.Is(err, sql.ErrNoRows) {
		exists = false
	} else if err != nil {
		return a, fmt.Errorf("read note: %w", err)
	}
	if (exists && curRev != w.BaseRev) || (!exists && (w.BaseRev != 0 || w.Delete)) {
		cur := protocol.Change{ID: w.ID, Rev: curRev, Seq: curSeq}
		if exists {
			if !curLen.Valid {
				cur.Deleted = true
			} else if err := tx.QueryRowContext(ctx, `SELECT blob FROM notes WHERE user_id = ? AND id = ?`, userID, w.ID).Scan(&cur.Blob); err != nil {
				return a, fmt.Errorf("read current note: %w", err)
			}
		}
		a.conflict = &cur
		return a, nil
	}
	var blob any // nil binds NULL: a tombstone
	if !w.Delete {
		blob = w.Blob
		a.delta = int64(len(w.Blob))
	}
	a.delta -= curLen.Int64
	if err := tx.StmtContext(ctx, s.stmts.bumpSeq).QueryRowContext(ctx, a.delta, userID).Scan(&a.seq, &a.used); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return a, ErrNotFound
		}
		return a, fmt.Errorf("next sequence: %w", err)
	}
	a.rev = w.BaseRev + 1
	if _, err := tx.StmtContext(ctx, s.stmts.noteUpsert).ExecContext(ctx, userID, w.ID, a.rev, a.seq, blob); err != nil {
		return a, fmt.Errorf("write note: %w", err)
	}
	return a, nil
}

// WriteNote applies one put or delete for userID. A stale base revision
// returns a *ConflictError with the current state; a write that would take
// the user's stored bytes over quota returns ErrQuotaExceeded and changes
// nothing.
func (s *Store) WriteNote(ctx context.Context, userID int64, quota int64, w *Write) (rev, seq uint64, err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("begin write note: %w", err)
	}
	defer tx.Rollback()
	a, err := s.apply(ctx, tx, userID, w)
	if err != nil {
		return 0, 0, err
	}
	if a.conflict != nil {
		return 0, 0, &ConflictError{Current: *a.conflict}
	}
	if a.delta > 0 && quota > 0 && a.used > quota {
		return 0, 0, ErrQuotaExceeded
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, fmt.Errorf("commit write note: %w", err)
	}
	return a.rev, a.seq, nil
}

// Batch applies writes for userID in one transaction, in order, each with
// its own ok or conflict result. If the batch as a whole would take the
// user over quota nothing is written and ErrQuotaExceeded is returned.
func (s *Store) Batch(ctx context.Context, userID int64, quota int64, writes []Write) ([]protocol.BatchResult, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin batch: %w", err)
	}
	defer tx.Rollback()
	results := make([]protocol.BatchResult, len(writes))
	var delta int64
	var used int64 = -1
	for i := range writes {
		a, err := s.apply(ctx, tx, userID, &writes[i])
		if err != nil {
			return nil, err
		}
		results[i].ID = writes[i].ID
		if a.conflict != nil {
			results[i].Status = protocol.StatusConflict
			results[i].Current = a.conflict
			continue
		}
		results[i].Status = protocol.StatusOK
		results[i].Rev, results[i].Seq = a.rev, a.seq
		delta += a.delta
		used = a.used
	}
	if delta > 0 && quota > 0 && used > quota {
		return nil, ErrQuotaExceeded
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit batch: %w", err)
	}
	return results, nil
}

// Changes returns the latest change of each of userID's notes with
// seq > since, in seq order: at most limit changes, and no more blob bytes
// than maxBytes (but always at least one change if any). next is the seq
// to ask from for the following page; more says whether there is one.
func (s *Store) Changes(ctx context.Context, userID int64, since uint64, limit int, maxBytes int) (changes []protocol.Change, next uint64, more bool, err error) {
	rows, err := s.stmts.changes.QueryContext(ctx, userID, since, limit+1)
	if err != nil {
		return nil, 0, false, fmt.Errorf("read changes: %w", err)
	}
	defer rows.Close()
	next = since
	changes = make([]protocol.Change, 0, min(limit, 256))
	bytes := 0
	for rows.Next() {
		if len(changes) == limit {
			more = true
			break
		}
		var c protocol.Change
		if err := rows.Scan(&c.ID, &c.Rev, &c.Seq, &c.Blob); err != nil {
			return nil, 0, false, fmt.Errorf("read changes: %w", err)
		}
		if c.Blob == nil {
			c.Deleted = true
		}
		if len(changes) > 0 && bytes+len(c.Blob) > maxBytes {
			more = true
			break
		}
		bytes += len(c.Blob)
		changes = append(changes, c)
		next = c.Seq
	}
	if err := rows.Err(); err != nil {
		return nil, 0, false, fmt.Errorf("read changes: %w", err)
	}
	return changes, next, more, nil
}

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

// txStmts are the write statements bound to one transaction.
type txStmts struct {
	noteGet, bumpSeq, noteUpsert *sql.Stmt
}

func (s *Store) txStmts(ctx context.Context, tx *sql.Tx) *txStmts {
	return &txStmts{
		noteGet:    tx.StmtContext(ctx, s.stmts.noteGet),
		bumpSeq:    tx.StmtContext(ctx, s.stmts.bumpSeq),
		noteUpsert: tx.StmtContext(ctx, s.stmts.noteUpsert),
	}
}

// apply performs w for userID inside tx: compare-and-swap on the revision,
// next sequence number, byte accounting. A stale base gives a conflict, not
// an error.
func (s *Store) apply(ctx context.Context, tx *sql.Tx, st *txStmts, userID int64, w *Write) (applied, error) {
	var a applied
	var curRev, curSeq uint64
	var curLen sql.NullInt64
	err := st.noteGet.QueryRowContext(ctx, userID, w.ID).Scan(&curRev, &curSeq, &curLen)
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
	if err := st.bumpSeq.QueryRowContext(ctx, a.delta, userID).Scan(&a.seq, &a.used); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return a, ErrNotFound
		}
		return a, fmt.Errorf("next sequence: %w", err)
	}
	a.rev = w.BaseRev + 1
	if _, err := st.noteUpsert.ExecContext(ctx, userID, w.ID, a.rev, a.seq, blob); err != nil {
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
	a, err := s.apply(ctx, tx, s.txStmts(ctx, tx), userID, w)
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

// ManifestWrite is the manifest compare-and-swap of an atomic batch.
type ManifestWrite struct {
	BaseVersion uint64
	Blob        []byte
}

// BatchOutcome is the result of Batch.
type BatchOutcome struct {
	Results  []protocol.BatchResult
	Applied  bool               // false only for an atomic batch that wrote nothing
	Manifest *protocol.Manifest // the current manifest when an atomic batch was refused
}

// Batch applies writes for userID in one transaction, in order, each with
// its own ok or conflict result. With man set the batch is atomic (SPEC
// §10.5): if any write conflicts or man.BaseVersion is not the current
// manifest version nothing is written, Applied is false and Manifest holds
// the current one; otherwise the writes and the new manifest commit
// together. If the batch as a whole would take the user over quota nothing
// is written and ErrQuotaExceeded is returned.
func (s *Store) Batch(ctx context.Context, userID int64, quota int64, writes []Write, man *ManifestWrite) (*BatchOutcome, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin batch: %w", err)
	}
	defer tx.Rollback()
	out := &BatchOutcome{Results: make([]protocol.BatchResult, len(writes)), Applied: true}
	var delta int64
	var used int64 = -1
	conflicts := false
	st := s.txStmts(ctx, tx)
	for i := range writes {
		a, err := s.apply(ctx, tx, st, userID, &writes[i])
		if err != nil {
			return nil, err
		}
		r := &out.Results[i]
		r.ID = writes[i].ID
		if a.conflict != nil {
			r.Status = protocol.StatusConflict
			r.Current = a.conflict
			conflicts = true
			continue
		}
		r.Status = protocol.StatusOK
		r.Rev, r.Seq = a.rev, a.seq
		delta += a.delta
		used = a.used
	}
	if man != nil {
		var cur protocol.Manifest
		if err := tx.QueryRowContext(ctx, `SELECT manifest_version, manifest FROM users WHERE id = ?`, userID).Scan(&cur.Version, &cur.Blob); err != nil {
			return nil, fmt.Errorf("read manifest: %w", err)
		}
		if conflicts || cur.Version != man.BaseVersion {
			// Nothing is written: the ok results were not applied, so
			// they carry no revision or sequence.
			for i := range out.Results {
				out.Results[i].Rev, out.Results[i].Seq = 0, 0
			}
			out.Applied = false
			out.Manifest = &cur
			return out, nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET manifest_version = ?, manifest = ? WHERE id = ?`, man.BaseVersion+1, man.Blob, userID); err != nil {
			return nil, fmt.Errorf("write manifest: %w", err)
		}
	}
	if delta > 0 && quota > 0 && used > quota {
		return nil, ErrQuotaExceeded
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit batch: %w", err)
	}
	return out, nil
}

// Page is one page of the change feed.
type Page struct {
	Changes  []protocol.Change
	Next     uint64             // seq to ask from for the following page
	More     bool               // whether there is a following page
	Manifest *protocol.Manifest // on the last page, if the version is not 0
}

// Changes returns the latest change of each of userID's notes with
// seq > since, in seq order: at most limit changes, and no more blob bytes
// than maxBytes (but always at least one change if any). The last page
// also carries the manifest, read in the same transaction (SPEC §10.6).
func (s *Store) Changes(ctx context.Context, userID int64, since uint64, limit int, maxBytes int) (*Page, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("begin read changes: %w", err)
	}
	defer tx.Rollback()
	p := &Page{Next: since, Changes: make([]protocol.Change, 0, min(limit, 256))}
	if err := s.readPage(ctx, tx, p, userID, since, limit, maxBytes); err != nil {
		return nil, err
	}
	if !p.More {
		var m protocol.Manifest
		err := tx.QueryRowContext(ctx, `SELECT manifest_version, manifest FROM users WHERE id = ?`, userID).Scan(&m.Version, &m.Blob)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("read manifest: %w", err)
		}
		if m.Version > 0 {
			p.Manifest = &m
		}
	}
	return p, nil
}

func (s *Store) readPage(ctx context.Context, tx *sql.Tx, p *Page, userID int64, since uint64, limit, maxBytes int) error {
	rows, err := tx.StmtContext(ctx, s.stmts.changes).QueryContext(ctx, userID, since, limit+1)
	if err != nil {
		return fmt.Errorf("read changes: %w", err)
	}
	defer rows.Close()
	bytes := 0
	for rows.Next() {
		if len(p.Changes) == limit {
			p.More = true
			break
		}
		var c protocol.Change
		if err := rows.Scan(&c.ID, &c.Rev, &c.Seq, &c.Blob); err != nil {
			return fmt.Errorf("read changes: %w", err)
		}
		if c.Blob == nil {
			c.Deleted = true
		}
		if len(p.Changes) > 0 && bytes+len(c.Blob) > maxBytes {
			p.More = true
			break
		}
		bytes += len(c.Blob)
		p.Changes = append(p.Changes, c)
		p.Next = c.Seq
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read changes: %w", err)
	}
	return nil
}

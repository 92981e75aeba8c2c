package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"cipherleaf.dev/shared/protocol"
)

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
	wt := s.newWriteTx(ctx, tx)
	for i := range writes {
		a, err := wt.apply(ctx, userID, 0, &writes[i])
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
	if err := wt.flush(ctx); err != nil {
		return nil, err
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

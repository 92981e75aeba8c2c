package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

// Batch applies writes for userID in one transaction, in order, each with
// its own ok or conflict result. With man set the batch is atomic (SPEC
// §10.5): if any write conflicts or man.BaseVersion is not the current
// manifest version nothing is written, Applied is false and Manifest holds
// the current one; otherwise the writes and the new manifest commit
// together. If the batch as a whole would take the user over quota nothing
// is written and ErrQuotaExceeded is returned.
//
// A batch whose man has a BaseHash and overtook the batch before it
// waits for the account's manifest to change first (basewait).
func (s *Store) Batch(ctx context.Context, userID int64, quota int64, writes []server.Write, man *server.ManifestWrite) (*server.BatchOutcome, error) {
	return s.waits.Run(ctx, userID, man, func(ctx context.Context, mayWait bool) (*server.BatchOutcome, bool, error) {
		return s.batch(ctx, userID, quota, writes, man, mayWait)
	})
}

// batch is one attempt of Batch (basewait.Attempt).
func (s *Store) batch(ctx context.Context, userID int64, quota int64, writes []server.Write, man *server.ManifestWrite, mayWait bool) (*server.BatchOutcome, bool, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, false, fmt.Errorf("begin batch: %w", err)
	}
	defer tx.Rollback()
	var cur protocol.Manifest
	if man != nil {
		if err := tx.QueryRowContext(ctx, `SELECT manifest_version, manifest FROM users WHERE id = ?`, userID).Scan(&cur.Version, &cur.Blob); err != nil {
			return nil, false, fmt.Errorf("read manifest: %w", err)
		}
		if mayWait && man.Overtook(cur) {
			return nil, true, nil
		}
	}
	out := &server.BatchOutcome{Results: make([]protocol.BatchResult, len(writes)), Applied: true}
	out.BaseHashChecked = man != nil // this store compares a BaseHash when given
	var delta int64
	var used int64 = -1
	in := 0 // blob bytes written
	conflicts := false
	ctx = context.WithoutCancel(ctx) // see writeTx; tx still ends with ctx
	wt := s.newWriteTx(ctx, tx)
	ids := make([]string, len(writes))
	for i := range writes {
		ids[i] = writes[i].ID
	}
	if err := wt.load(ctx, userID, ids); err != nil {
		return nil, false, err
	}
	for i := range writes {
		a, err := wt.apply(ctx, userID, 0, &writes[i])
		if err != nil {
			return nil, false, err
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
		in += len(writes[i].Blob)
		delta += a.delta
		used = a.used
	}
	if man != nil {
		if conflicts || !man.MatchesBase(cur) {
			// Nothing is written: the ok results were not applied, so
			// they carry no revision or sequence.
			for i := range out.Results {
				out.Results[i].Rev, out.Results[i].Seq = 0, 0
			}
			out.Applied = false
			out.Manifest = &cur
			return out, false, nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET manifest_version = ?, manifest = ? WHERE id = ?`, man.BaseVersion+1, man.Blob, userID); err != nil {
			return nil, false, fmt.Errorf("write manifest: %w", err)
		}
	}
	if delta > 0 && quota > 0 && used > quota {
		return nil, false, server.ErrQuotaExceeded
	}
	if err := wt.flush(ctx); err != nil {
		return nil, false, err
	}
	if err := tx.Commit(); err != nil {
		return nil, false, fmt.Errorf("commit batch: %w", err)
	}
	s.ckpt.committed(len(writes), in)
	if man != nil {
		s.waits.Changed(userID)
	}
	return out, false, nil
}

// Changes returns one page of the change feed (see StreamChanges), held
// in memory.
func (s *Store) Changes(ctx context.Context, userID int64, since uint64, limit int, maxBytes int) (*server.Page, error) {
	p := &server.Page{Changes: make([]protocol.Change, 0, min(limit, 256))}
	end, err := s.StreamChanges(ctx, userID, since, limit, maxBytes, func(c *protocol.Change) error {
		cc := *c
		cc.Blob = append([]byte(nil), c.Blob...)
		if c.Blob == nil {
			cc.Blob = nil
		}
		p.Changes = append(p.Changes, cc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.Next, p.More, p.Manifest = end.Next, end.More, end.Manifest
	return p, nil
}

// StreamChanges calls fn with the latest change of each of userID's notes
// with seq > since, in seq order: at most limit changes, and no more blob
// bytes than maxBytes (but always at least one change if any). c and its
// blob are valid only during the call, so a page is never held in memory.
// The last page (More false) also carries the manifest, read in the same
// transaction (SPEC §10.6). A since in 1..compacted_seq-1 is
// ErrCursorCompacted: tombstones the caller may not have seen were
// compacted away (SPEC §7.3, §7.6).
func (s *Store) StreamChanges(ctx context.Context, userID int64, since uint64, limit int, maxBytes int, fn func(c *protocol.Change) error) (*server.PageEnd, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("begin read changes: %w", err)
	}
	defer tx.Rollback()
	end := &server.PageEnd{Next: since}
	if since > 0 {
		// A cursor below a compacted tombstone may have missed it (SPEC §7.3).
		var compacted uint64
		err := tx.QueryRowContext(ctx, `SELECT compacted_seq FROM users WHERE id = ?`, userID).Scan(&compacted)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("read compacted sequence: %w", err)
		}
		if since < compacted {
			return nil, server.ErrCursorCompacted
		}
	}
	if err := s.streamPage(ctx, tx, end, userID, since, limit, maxBytes, fn); err != nil {
		return nil, err
	}
	if !end.More {
		var m protocol.Manifest
		err := tx.QueryRowContext(ctx, `SELECT manifest_version, manifest FROM users WHERE id = ?`, userID).Scan(&m.Version, &m.Blob)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("read manifest: %w", err)
		}
		if m.Version > 0 {
			end.Manifest = &m
		}
	}
	return end, nil
}

func (s *Store) streamPage(ctx context.Context, tx *sql.Tx, end *server.PageEnd, userID int64, since uint64, limit, maxBytes int, fn func(*protocol.Change) error) error {
	rows, err := tx.StmtContext(ctx, s.stmts.changes).QueryContext(ctx, userID, since, limit+1)
	if err != nil {
		return fmt.Errorf("read changes: %w", err)
	}
	defer rows.Close()
	bytes, n := 0, 0
	var raw sql.RawBytes
	var c protocol.Change
	for rows.Next() {
		if n == limit {
			end.More = true
			break
		}
		if err := rows.Scan(&c.ID, &c.Rev, &c.Seq, &raw); err != nil {
			return fmt.Errorf("read changes: %w", err)
		}
		c.Blob, c.Deleted = []byte(raw), raw == nil
		if n > 0 && bytes+len(c.Blob) > maxBytes {
			end.More = true
			break
		}
		if err := fn(&c); err != nil {
			return err
		}
		bytes += len(c.Blob)
		n++
		end.Next = c.Seq
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read changes: %w", err)
	}
	return nil
}

package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

// errNotApplied rolls back an atomic batch that was refused, errEarly
// one that overtook the batch before it and waits (basewait).
var (
	errNotApplied = errors.New("atomic batch not applied")
	errEarly      = errors.New("atomic batch came early")
)

// Batch applies writes for userID in one transaction (see server.Store).
// A batch whose man has a BaseHash and overtook the batch before it waits
// for the account's manifest to change in this process first (basewait;
// a write by another replica does not wake it).
func (s *Store) Batch(ctx context.Context, userID int64, quota int64, writes []server.Write, man *server.ManifestWrite) (*server.BatchOutcome, error) {
	return s.waits.Run(ctx, userID, man, func(ctx context.Context, mayWait bool) (*server.BatchOutcome, bool, error) {
		return s.batch(ctx, userID, quota, writes, man, mayWait)
	})
}

// batch is one attempt of Batch (basewait.Attempt).
func (s *Store) batch(ctx context.Context, userID int64, quota int64, writes []server.Write, man *server.ManifestWrite, mayWait bool) (*server.BatchOutcome, bool, error) {
	var out *server.BatchOutcome
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		wt, err := s.newWriteTx(ctx, tx, userID)
		if err != nil {
			return err
		}
		var cur protocol.Manifest
		if man != nil {
			if err := tx.QueryRow(ctx, `SELECT manifest_version, manifest FROM users WHERE id = $1`, userID).Scan(&cur.Version, &cur.Blob); err != nil {
				return fmt.Errorf("read manifest: %w", err)
			}
			if mayWait && man.Overtook(cur) {
				return errEarly
			}
		}
		out = &server.BatchOutcome{Results: make([]protocol.BatchResult, len(writes)), Applied: true}
		out.BaseHashChecked = man != nil // this store compares a BaseHash when given
		ids := make([]string, len(writes))
		for i := range writes {
			ids[i] = writes[i].ID
		}
		if err := wt.load(ctx, ids); err != nil {
			return err
		}
		var delta int64
		used := int64(-1)
		conflicts := false
		for i := range writes {
			a, err := wt.apply(ctx, 0, &writes[i])
			if err != nil {
				return err
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
			if conflicts || !man.MatchesBase(cur) {
				for i := range out.Results {
					out.Results[i].Rev, out.Results[i].Seq = 0, 0
				}
				out.Applied = false
				out.Manifest = &cur
				return errNotApplied
			}
			if _, err := tx.Exec(ctx, `UPDATE users SET manifest_version = $1, manifest = $2 WHERE id = $3`, man.BaseVersion+1, man.Blob, userID); err != nil {
				return fmt.Errorf("write manifest: %w", err)
			}
		}
		if delta > 0 && quota > 0 && used > quota {
			return server.ErrQuotaExceeded
		}
		return wt.flush(ctx)
	})
	switch {
	case errors.Is(err, errEarly):
		return nil, true, nil
	case errors.Is(err, errNotApplied):
		return out, false, nil
	case err != nil:
		return nil, false, err
	}
	if man != nil {
		s.waits.Changed(userID)
	}
	return out, false, nil
}

// Manifest returns userID's manifest (version 0 and no blob if none).
func (s *Store) Manifest(ctx context.Context, userID int64) (protocol.Manifest, error) {
	var m protocol.Manifest
	err := s.db.QueryRow(ctx, `SELECT manifest_version, manifest FROM users WHERE id = $1`, userID).Scan(&m.Version, &m.Blob)
	if noRows(err) {
		return m, server.ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("read manifest: %w", err)
	}
	return m, nil
}

// PutManifest replaces userID's manifest if base is its current version,
// under the account's row lock.
func (s *Store) PutManifest(ctx context.Context, userID int64, base uint64, blob []byte) (uint64, error) {
	var conflict *server.ManifestConflictError
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, _, err := lockUser(ctx, tx, userID); err != nil {
			return err
		}
		var cur protocol.Manifest
		if err := tx.QueryRow(ctx, `SELECT manifest_version, manifest FROM users WHERE id = $1`, userID).Scan(&cur.Version, &cur.Blob); err != nil {
			return fmt.Errorf("read manifest: %w", err)
		}
		if cur.Version != base {
			conflict = &server.ManifestConflictError{Current: cur}
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET manifest_version = $1, manifest = $2 WHERE id = $3`, base+1, blob, userID); err != nil {
			return fmt.Errorf("write manifest: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if conflict != nil {
		return 0, conflict
	}
	s.waits.Changed(userID)
	return base + 1, nil
}

// StreamChanges calls fn with one page of the change feed, read in one
// REPEATABLE READ snapshot together with the manifest (SPEC §10.6).
func (s *Store) StreamChanges(ctx context.Context, userID int64, since uint64, limit int, maxBytes int, fn func(c *protocol.Change) error) (*server.PageEnd, error) {
	tx, err := s.db.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("begin read changes: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	end := &server.PageEnd{Next: since}
	if since > 0 {
		var compacted uint64
		err := tx.QueryRow(ctx, `SELECT compacted_seq FROM users WHERE id = $1`, userID).Scan(&compacted)
		if err != nil && !noRows(err) {
			return nil, fmt.Errorf("read compacted sequence: %w", err)
		}
		if since < compacted {
			return nil, server.ErrCursorCompacted
		}
	}
	if err := streamPage(ctx, tx, end, userID, since, limit, maxBytes, fn); err != nil {
		return nil, err
	}
	if !end.More {
		var m protocol.Manifest
		err := tx.QueryRow(ctx, `SELECT manifest_version, manifest FROM users WHERE id = $1`, userID).Scan(&m.Version, &m.Blob)
		if err != nil && !noRows(err) {
			return nil, fmt.Errorf("read manifest: %w", err)
		}
		if m.Version > 0 {
			end.Manifest = &m
		}
	}
	return end, nil
}

func streamPage(ctx context.Context, tx pgx.Tx, end *server.PageEnd, userID int64, since uint64, limit, maxBytes int, fn func(*protocol.Change) error) error {
	rows, err := tx.Query(ctx, `SELECT id, rev, seq, blob FROM notes WHERE user_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, userID, since, limit+1)
	if err != nil {
		return fmt.Errorf("read changes: %w", err)
	}
	defer rows.Close()
	bytes, n := 0, 0
	var c protocol.Change
	for rows.Next() {
		if n == limit {
			end.More = true
			break
		}
		// The blob is the row's own buffer, valid until the next row:
		// fn must not keep it (as documented), so no copy is made.
		vals := rows.RawValues()
		if err := rows.Scan(&c.ID, &c.Rev, &c.Seq, nil); err != nil {
			return fmt.Errorf("read changes: %w", err)
		}
		c.Blob, c.Deleted = vals[3], vals[3] == nil
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

// LatestSeq returns userID's sequence number.
func (s *Store) LatestSeq(ctx context.Context, userID int64) (uint64, error) {
	var seq uint64
	err := s.db.QueryRow(ctx, `SELECT seq FROM users WHERE id = $1`, userID).Scan(&seq)
	if noRows(err) {
		return 0, server.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("read sequence: %w", err)
	}
	return seq, nil
}

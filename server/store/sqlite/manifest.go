package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

// Manifest returns userID's manifest (version 0 and no blob if none).
func (s *Store) Manifest(ctx context.Context, userID int64) (protocol.Manifest, error) {
	var m protocol.Manifest
	err := s.r.QueryRowContext(ctx, `SELECT manifest_version, manifest FROM users WHERE id = ?`, userID).Scan(&m.Version, &m.Blob)
	if errors.Is(err, sql.ErrNoRows) {
		return m, server.ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("read manifest: %w", err)
	}
	return m, nil
}

// PutManifest replaces userID's manifest if base is its current version
// and returns the new version; otherwise a *ManifestConflictError.
func (s *Store) PutManifest(ctx context.Context, userID int64, base uint64, blob []byte) (uint64, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("begin put manifest: %w", err)
	}
	defer tx.Rollback()
	var cur protocol.Manifest
	err = tx.QueryRowContext(ctx, `SELECT manifest_version, manifest FROM users WHERE id = ?`, userID).Scan(&cur.Version, &cur.Blob)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, server.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("read manifest: %w", err)
	}
	if cur.Version != base {
		return 0, &server.ManifestConflictError{Current: cur}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET manifest_version = ?, manifest = ? WHERE id = ?`, base+1, blob, userID); err != nil {
		return 0, fmt.Errorf("write manifest: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit manifest: %w", err)
	}
	s.waits.Changed(userID)
	return base + 1, nil
}

// LatestSeq returns userID's sequence number.
func (s *Store) LatestSeq(ctx context.Context, userID int64) (uint64, error) {
	var seq uint64
	err := s.r.QueryRowContext(ctx, `SELECT seq FROM users WHERE id = ?`, userID).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, server.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("read sequence: %w", err)
	}
	return seq, nil
}

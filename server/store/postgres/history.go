package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"cipherleaf.dev/server"
)

// Revisions lists a note's revisions newest first (SPEC §7.8).
func (s *Store) Revisions(ctx context.Context, userID int64, id string, before uint64, limit int) (revs []server.Revision, more bool, err error) {
	if before == 0 {
		before = 1<<63 - 1
	}
	rows, err := s.db.Query(ctx, `SELECT rev, stored, octet_length(blob) FROM notes WHERE user_id = $1 AND id = $2 AND blob IS NOT NULL AND rev < $3
		UNION ALL SELECT rev, stored, octet_length(blob) FROM note_history WHERE user_id = $1 AND note_id = $2 AND rev < $3
		ORDER BY rev DESC LIMIT $4`, userID, id, before, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("list revisions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r server.Revision
		var stored int64
		if err := rows.Scan(&r.Rev, &stored, &r.Size); err != nil {
			return nil, false, fmt.Errorf("list revisions: %w", err)
		}
		r.Stored = time.Unix(stored, 0).UTC()
		revs = append(revs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("list revisions: %w", err)
	}
	if len(revs) > limit {
		return revs[:limit], true, nil
	}
	return revs, false, nil
}

// RevisionBlob returns one revision's blob, or ErrNotFound.
func (s *Store) RevisionBlob(ctx context.Context, userID int64, id string, rev uint64) ([]byte, error) {
	var blob []byte
	err := s.db.QueryRow(ctx, `SELECT blob FROM notes WHERE user_id = $1 AND id = $2 AND rev = $3 AND blob IS NOT NULL
		UNION ALL SELECT blob FROM note_history WHERE user_id = $1 AND note_id = $2 AND rev = $3 LIMIT 1`,
		userID, id, rev).Scan(&blob)
	if noRows(err) {
		return nil, server.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read revision: %w", err)
	}
	return blob, nil
}

// SweepHistory drops past revisions older than the age limit, giving
// their bytes back to the quota. The accounts concerned are locked first
// (in id order, so two sweeps cannot deadlock), so a write moving an old
// blob into history meanwhile is either swept and counted, or waits.
func (s *Store) SweepHistory(ctx context.Context) (int64, error) {
	if s.histDays <= 0 {
		return 0, nil
	}
	cutoff := s.now().Add(-time.Duration(s.histDays) * 24 * time.Hour).Unix()
	var n int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id FROM users WHERE id IN (SELECT DISTINCT user_id FROM note_history WHERE stored < $1)
			ORDER BY id FOR NO KEY UPDATE`, cutoff)
		if err != nil {
			return fmt.Errorf("sweep history: %w", err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return fmt.Errorf("sweep history: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET used_bytes = used_bytes - (
			SELECT coalesce(sum(octet_length(h.blob) + $1), 0) FROM note_history h WHERE h.user_id = users.id AND h.stored < $2)
			WHERE id = ANY($3)`, server.RowOverhead, cutoff, ids); err != nil {
			return fmt.Errorf("sweep history: %w", err)
		}
		tag, err := tx.Exec(ctx, `DELETE FROM note_history WHERE stored < $1 AND user_id = ANY($2)`, cutoff, ids)
		if err != nil {
			return fmt.Errorf("sweep history: %w", err)
		}
		n = tag.RowsAffected()
		return nil
	})
	return n, err
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"cipherleaf.dev/server"
)

// CompactTombstones removes the tombstones of notes deleted at least
// retention ago (SPEC §7.6), with the past revisions kept for those notes,
// and gives their bytes back to the quota. Each account is done in its own
// transaction, which also raises its compacted_seq to the highest sequence
// removed, so a cursor below it is refused from then on (ErrCursorCompacted).
// retention <= 0 keeps every tombstone.
func (s *Store) CompactTombstones(ctx context.Context, retention time.Duration) (server.Compaction, error) {
	var out server.Compaction
	if retention <= 0 {
		return out, nil
	}
	cutoff := s.now().Add(-retention).Unix()
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT n.user_id FROM notes n JOIN users u ON u.id = n.user_id
		WHERE n.blob IS NULL AND n.stored <= ? AND (u.manifest IS NULL OR substr(u.manifest, 1, 1) = ?)`, cutoff, []byte{server.DigestLiveOnly})
	if err != nil {
		return out, fmt.Errorf("find tombstones: %w", err)
	}
	var users []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return out, fmt.Errorf("find tombstones: %w", err)
		}
		users = append(users, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("find tombstones: %w", err)
	}
	for _, id := range users {
		n, h, err := s.compactUser(ctx, id, cutoff)
		if err != nil {
			return out, err
		}
		if n > 0 {
			out.Users++
			out.Tombstones += n
			out.Revisions += h
		}
	}
	return out, nil
}

// compactUser removes userID's tombstones stored at or before cutoff, if
// its manifest (read again inside the transaction) allows it.
func (s *Store) compactUser(ctx context.Context, userID, cutoff int64) (tombstones, revisions int64, err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("begin compaction: %w", err)
	}
	defer tx.Rollback()
	var man []byte
	if err := tx.QueryRowContext(ctx, `SELECT manifest FROM users WHERE id = ?`, userID).Scan(&man); errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	} else if err != nil {
		return 0, 0, fmt.Errorf("read manifest: %w", err)
	}
	if len(man) > 0 && man[0] != server.DigestLiveOnly {
		return 0, 0, nil
	}
	var maxSeq sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT count(*), max(seq) FROM notes WHERE user_id = ? AND blob IS NULL AND stored <= ?`,
		userID, cutoff).Scan(&tombstones, &maxSeq); err != nil {
		return 0, 0, fmt.Errorf("count tombstones: %w", err)
	}
	if tombstones == 0 {
		return 0, 0, nil
	}
	var histBytes int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(length(blob) + ?), 0) FROM note_history
		WHERE user_id = ? AND note_id IN (SELECT id FROM notes WHERE user_id = ? AND blob IS NULL AND stored <= ?)`,
		server.RowOverhead, userID, userID, cutoff).Scan(&revisions, &histBytes); err != nil {
		return 0, 0, fmt.Errorf("count past revisions: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM note_history WHERE user_id = ? AND note_id IN
		(SELECT id FROM notes WHERE user_id = ? AND blob IS NULL AND stored <= ?)`, userID, userID, cutoff); err != nil {
		return 0, 0, fmt.Errorf("delete past revisions: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM notes WHERE user_id = ? AND blob IS NULL AND stored <= ?`, userID, cutoff); err != nil {
		return 0, 0, fmt.Errorf("delete tombstones: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET compacted_seq = max(compacted_seq, ?), used_bytes = used_bytes - ? WHERE id = ?`,
		maxSeq.Int64, tombstones*server.RowOverhead+histBytes, userID); err != nil {
		return 0, 0, fmt.Errorf("record compaction: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, fmt.Errorf("commit compaction: %w", err)
	}
	return tombstones, revisions, nil
}

package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"cipherleaf.dev/server"
)

// CompactTombstones removes tombstones deleted at least retention ago
// (SPEC §7.6), one account per transaction under its row lock.
func (s *Store) CompactTombstones(ctx context.Context, retention time.Duration) (server.Compaction, error) {
	var out server.Compaction
	if retention <= 0 {
		return out, nil
	}
	cutoff := s.now().Add(-retention).Unix()
	rows, err := s.db.Query(ctx, `SELECT DISTINCT n.user_id FROM notes n JOIN users u ON u.id = n.user_id
		WHERE n.blob IS NULL AND n.stored <= $1 AND (u.manifest IS NULL OR substr(u.manifest, 1, 1) = $2)`, cutoff, []byte{server.DigestLiveOnly})
	if err != nil {
		return out, fmt.Errorf("find tombstones: %w", err)
	}
	users, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
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

func (s *Store) compactUser(ctx context.Context, userID, cutoff int64) (tombstones, revisions int64, err error) {
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, _, err := lockUser(ctx, tx, userID); errors.Is(err, server.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		var man []byte
		if err := tx.QueryRow(ctx, `SELECT manifest FROM users WHERE id = $1`, userID).Scan(&man); err != nil {
			return fmt.Errorf("read manifest: %w", err)
		}
		if len(man) > 0 && man[0] != server.DigestLiveOnly {
			return nil
		}
		var maxSeq *int64
		if err := tx.QueryRow(ctx, `SELECT count(*), max(seq) FROM notes WHERE user_id = $1 AND blob IS NULL AND stored <= $2`,
			userID, cutoff).Scan(&tombstones, &maxSeq); err != nil {
			return fmt.Errorf("count tombstones: %w", err)
		}
		if tombstones == 0 {
			return nil
		}
		var histBytes int64
		if err := tx.QueryRow(ctx, `SELECT count(*), coalesce(sum(octet_length(blob) + $1), 0) FROM note_history
			WHERE user_id = $2 AND note_id IN (SELECT id FROM notes WHERE user_id = $2 AND blob IS NULL AND stored <= $3)`,
			server.RowOverhead, userID, cutoff).Scan(&revisions, &histBytes); err != nil {
			return fmt.Errorf("count past revisions: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM note_history WHERE user_id = $1 AND note_id IN
			(SELECT id FROM notes WHERE user_id = $1 AND blob IS NULL AND stored <= $2)`, userID, cutoff); err != nil {
			return fmt.Errorf("delete past revisions: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM notes WHERE user_id = $1 AND blob IS NULL AND stored <= $2`, userID, cutoff); err != nil {
			return fmt.Errorf("delete tombstones: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET compacted_seq = greatest(compacted_seq, $1), used_bytes = used_bytes - $2 WHERE id = $3`,
			*maxSeq, tombstones*server.RowOverhead+histBytes, userID); err != nil {
			return fmt.Errorf("record compaction: %w", err)
		}
		return nil
	})
	return tombstones, revisions, err
}

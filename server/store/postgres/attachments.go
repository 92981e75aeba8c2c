package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"cipherleaf.dev/server"
)

const attachmentCols = `user_uid, id, size, complete, created, released`

func scanAttachment(row pgx.Row) (server.Attachment, error) {
	var a server.Attachment
	var created int64
	var released *int64
	if err := row.Scan(&a.UserUID, &a.ID, &a.Size, &a.Complete, &created, &released); err != nil {
		return a, err
	}
	a.Created = time.Unix(0, created)
	if released != nil {
		a.Released = time.Unix(0, *released)
	}
	return a, nil
}

// DeclareAttachment records an upload of size bytes for user (userID,
// uid), under the account's row lock so the quota check and the
// declaration are one step across replicas.
func (s *Store) DeclareAttachment(ctx context.Context, userID int64, uid, id string, size, quota int64) (a server.Attachment, created bool, err error) {
	now := s.now()
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		_, used, err := lockUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		a, err = scanAttachment(tx.QueryRow(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE user_uid = $1 AND id = $2`, uid, id))
		switch {
		case err == nil:
			if a.Size != size || !a.Released.IsZero() {
				return server.ErrConflict
			}
			return nil
		case !noRows(err):
			return fmt.Errorf("declare attachment: %w", err)
		}
		if quota > 0 && used+size > quota {
			return server.ErrQuotaExceeded
		}
		if _, err := tx.Exec(ctx, `INSERT INTO attachments (user_uid, id, size, created) VALUES ($1, $2, $3, $4)`, uid, id, size, now.UnixNano()); err != nil {
			return fmt.Errorf("declare attachment: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET used_bytes = used_bytes + $1 WHERE id = $2`, size, userID); err != nil {
			return fmt.Errorf("declare attachment: %w", err)
		}
		a = server.Attachment{UserUID: uid, ID: id, Size: size, Created: time.Unix(0, now.UnixNano())}
		created = true
		return nil
	})
	return a, created, err
}

// GetAttachment returns attachment id of user uid, or ErrNotFound.
func (s *Store) GetAttachment(ctx context.Context, uid, id string) (server.Attachment, error) {
	a, err := scanAttachment(s.db.QueryRow(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE user_uid = $1 AND id = $2`, uid, id))
	if noRows(err) {
		return a, server.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("read attachment: %w", err)
	}
	return a, nil
}

// CompleteAttachment marks an attachment's blob complete.
func (s *Store) CompleteAttachment(ctx context.Context, uid, id string) error {
	if _, err := s.db.Exec(ctx, `UPDATE attachments SET complete = true WHERE user_uid = $1 AND id = $2`, uid, id); err != nil {
		return fmt.Errorf("complete attachment: %w", err)
	}
	return nil
}

// ReleaseAttachment marks an attachment released now.
func (s *Store) ReleaseAttachment(ctx context.Context, uid, id string) error {
	if _, err := s.db.Exec(ctx, `UPDATE attachments SET released = $1 WHERE user_uid = $2 AND id = $3 AND released IS NULL`,
		s.now().UnixNano(), uid, id); err != nil {
		return fmt.Errorf("release attachment: %w", err)
	}
	return nil
}

// CollectableAttachments lists up to limit attachments to remove.
func (s *Store) CollectableAttachments(ctx context.Context, cutoff time.Time, limit int) ([]server.Attachment, error) {
	rows, err := s.db.Query(ctx, `SELECT `+attachmentCols+` FROM attachments
		WHERE released <= $1 OR (NOT complete AND created <= $1) OR user_uid NOT IN (SELECT uid FROM users)
		LIMIT $2`, cutoff.UnixNano(), limit)
	if err != nil {
		return nil, fmt.Errorf("list collectable attachments: %w", err)
	}
	defer rows.Close()
	var out []server.Attachment
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, fmt.Errorf("list collectable attachments: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list collectable attachments: %w", err)
	}
	return out, nil
}

// RemoveAttachment deletes an attachment's row and takes its size off its
// owner's stored bytes.
func (s *Store) RemoveAttachment(ctx context.Context, a server.Attachment) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM attachments WHERE user_uid = $1 AND id = $2`, a.UserUID, a.ID)
		if err != nil {
			return fmt.Errorf("remove attachment: %w", err)
		}
		if tag.RowsAffected() == 1 {
			if _, err := tx.Exec(ctx, `UPDATE users SET used_bytes = greatest(0, used_bytes - $1) WHERE uid = $2`, a.Size, a.UserUID); err != nil {
				return fmt.Errorf("remove attachment: %w", err)
			}
		}
		return nil
	})
}

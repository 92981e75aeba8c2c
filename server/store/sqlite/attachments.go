package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"cipherleaf.dev/server"
)

func scanAttachment(row interface{ Scan(...any) error }) (server.Attachment, error) {
	var a server.Attachment
	var created int64
	var released sql.NullInt64
	if err := row.Scan(&a.UserUID, &a.ID, &a.Size, &a.Complete, &created, &released); err != nil {
		return a, err
	}
	a.Created = time.Unix(0, created)
	if released.Valid {
		a.Released = time.Unix(0, released.Int64)
	}
	return a, nil
}

const attachmentCols = `user_uid, id, size, complete, created, released`

// DeclareAttachment records an upload of size blob bytes for user
// (userID, uid), counting size against quota (if > 0) in the same
// transaction. Declaring an existing id with the same size returns it
// unchanged (created false); with another size, or once released, it is
// ErrConflict.
func (s *Store) DeclareAttachment(ctx context.Context, userID int64, uid, id string, size, quota int64) (a server.Attachment, created bool, err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return a, false, fmt.Errorf("declare attachment: %w", err)
	}
	defer tx.Rollback()
	a, err = scanAttachment(tx.QueryRowContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE user_uid = ? AND id = ?`, uid, id))
	switch {
	case err == nil:
		if a.Size != size || !a.Released.IsZero() {
			return a, false, server.ErrConflict
		}
		return a, false, nil
	case !errors.Is(err, sql.ErrNoRows):
		return a, false, fmt.Errorf("declare attachment: %w", err)
	}
	var used int64
	if err := tx.QueryRowContext(ctx, `SELECT used_bytes FROM users WHERE id = ?`, userID).Scan(&used); errors.Is(err, sql.ErrNoRows) {
		return a, false, server.ErrNotFound
	} else if err != nil {
		return a, false, fmt.Errorf("declare attachment: %w", err)
	}
	if quota > 0 && used+size > quota {
		return a, false, server.ErrQuotaExceeded
	}
	now := s.now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO attachments (user_uid, id, size, created) VALUES (?, ?, ?, ?)`, uid, id, size, now.UnixNano()); err != nil {
		return a, false, fmt.Errorf("declare attachment: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET used_bytes = used_bytes + ? WHERE id = ?`, size, userID); err != nil {
		return a, false, fmt.Errorf("declare attachment: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return a, false, fmt.Errorf("declare attachment: %w", err)
	}
	return server.Attachment{UserUID: uid, ID: id, Size: size, Created: time.Unix(0, now.UnixNano())}, true, nil
}

// GetAttachment returns attachment id of user uid, or ErrNotFound.
func (s *Store) GetAttachment(ctx context.Context, uid, id string) (server.Attachment, error) {
	a, err := scanAttachment(s.r.QueryRowContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE user_uid = ? AND id = ?`, uid, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, server.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("read attachment: %w", err)
	}
	return a, nil
}

// CompleteAttachment marks an attachment's blob complete.
func (s *Store) CompleteAttachment(ctx context.Context, uid, id string) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE attachments SET complete = 1 WHERE user_uid = ? AND id = ?`, uid, id); err != nil {
		return fmt.Errorf("complete attachment: %w", err)
	}
	return nil
}

// ReleaseAttachment marks an attachment released now (if it exists and is
// not released yet); the collector removes it after the grace period.
func (s *Store) ReleaseAttachment(ctx context.Context, uid, id string) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE attachments SET released = ? WHERE user_uid = ? AND id = ? AND released IS NULL`,
		s.now().UnixNano(), uid, id); err != nil {
		return fmt.Errorf("release attachment: %w", err)
	}
	return nil
}

// CollectableAttachments lists up to limit attachments to remove: released
// before cutoff, left incomplete since before cutoff, or of an account
// that no longer exists.
func (s *Store) CollectableAttachments(ctx context.Context, cutoff time.Time, limit int) ([]server.Attachment, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+attachmentCols+` FROM attachments
		WHERE released <= ?1 OR (complete = 0 AND created <= ?1) OR user_uid NOT IN (SELECT uid FROM users)
		LIMIT ?2`, cutoff.UnixNano(), limit)
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
// owner's stored bytes. Call it after its blob is deleted.
func (s *Store) RemoveAttachment(ctx context.Context, a server.Attachment) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("remove attachment: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM attachments WHERE user_uid = ? AND id = ?`, a.UserUID, a.ID)
	if err != nil {
		return fmt.Errorf("remove attachment: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET used_bytes = max(0, used_bytes - ?) WHERE uid = ?`, a.Size, a.UserUID); err != nil {
			return fmt.Errorf("remove attachment: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("remove attachment: %w", err)
	}
	return nil
}

// CompleteAttachmentsIn lists the complete attachments recorded in the
// database file at path (a backup made by Backup), for copying their blobs.
func CompleteAttachmentsIn(ctx context.Context, path string) ([]server.Attachment, error) {
	db, err := sql.Open("sqlite3", dsn(path, true, DurablePowerLoss))
	if err != nil {
		return nil, fmt.Errorf("open backup: %w", err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE complete = 1 ORDER BY user_uid, id`)
	if err != nil {
		return nil, fmt.Errorf("list backed-up attachments: %w", err)
	}
	defer rows.Close()
	var out []server.Attachment
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, fmt.Errorf("list backed-up attachments: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// DropAttachmentIn removes an attachment whose blob is gone (collected
// after its release while a backup was being made) from the backup at path.
func DropAttachmentIn(ctx context.Context, path string, a server.Attachment) error {
	db, err := sql.Open("sqlite3", dsn(path, false, DurablePowerLoss))
	if err != nil {
		return fmt.Errorf("open backup: %w", err)
	}
	defer db.Close()
	s := &Store{w: db}
	return s.RemoveAttachment(ctx, a)
}

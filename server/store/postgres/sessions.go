package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"cipherleaf.dev/server"
)

// Sessions are read from the database on every request: no replica keeps
// a cache, so a revocation on one replica holds on all of them at once.

func insertSession(ctx context.Context, tx pgx.Tx, sess *server.Session, now time.Time) error {
	sess.Created, sess.LastSeen = now.UTC(), now.UTC()
	_, err := tx.Exec(ctx, `INSERT INTO sessions (id, user_id, device_name, refresh_hash, created, last_seen) VALUES ($1, $2, $3, $4, $5, $6)`,
		sess.ID, sess.UserID, sess.DeviceName, sess.RefreshHash, now.UnixNano(), now.UnixNano())
	if isForeignKeyViolation(err) {
		return server.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

// CreateSession adds sess (for sess.UserID).
func (s *Store) CreateSession(ctx context.Context, sess *server.Session) error {
	return s.inTx(ctx, func(tx pgx.Tx) error { return insertSession(ctx, tx, sess, s.now()) })
}

// SessionAuth looks up session sid and its user.
func (s *Store) SessionAuth(ctx context.Context, sid string) (server.SessionAuth, error) {
	var a server.SessionAuth
	var last int64
	err := s.db.QueryRow(ctx, `SELECT u.id, u.uid, u.disabled, s.last_seen FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`, sid).
		Scan(&a.UserID, &a.UID, &a.Disabled, &last)
	if noRows(err) {
		return a, server.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("look up session: %w", err)
	}
	a.LastSeen = time.Unix(0, last)
	return a, nil
}

// TouchSession records that session sid was used now.
func (s *Store) TouchSession(ctx context.Context, sid string) error {
	if _, err := s.db.Exec(ctx, `UPDATE sessions SET last_seen = $1 WHERE id = $2`, s.now().UnixNano(), sid); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// RotateRefresh spends the refresh token whose hash is oldHash. The
// session row is locked (FOR UPDATE) before the token is spent, so of two
// replicas spending the same token at once one rotates it and the other,
// once the lock is free, no longer finds it current, finds it spent and
// revokes the session (SPEC §7.9).
func (s *Store) RotateRefresh(ctx context.Context, oldHash, newHash []byte) (*server.Session, error) {
	now := s.now()
	var sess server.Session
	reused := false
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var created int64
		err := tx.QueryRow(ctx, `SELECT id, user_id, device_name, created FROM sessions WHERE refresh_hash = $1 FOR UPDATE`, oldHash).
			Scan(&sess.ID, &sess.UserID, &sess.DeviceName, &created)
		if noRows(err) {
			err = tx.QueryRow(ctx, `SELECT s.id, s.user_id FROM spent_refresh r JOIN sessions s ON s.id = r.session_id WHERE r.hash = $1`, oldHash).
				Scan(&sess.ID, &sess.UserID)
			if noRows(err) {
				return server.ErrNotFound
			}
			if err != nil {
				return fmt.Errorf("look up spent token: %w", err)
			}
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE id = $1`, sess.ID); err != nil {
				return fmt.Errorf("revoke session: %w", err)
			}
			reused = true
			return nil
		}
		if err != nil {
			return fmt.Errorf("look up refresh token: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO spent_refresh (hash, session_id) VALUES ($1, $2)`, oldHash, sess.ID); err != nil {
			return fmt.Errorf("spend refresh token: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE sessions SET refresh_hash = $1, last_seen = $2 WHERE id = $3`, newHash, now.UnixNano(), sess.ID); err != nil {
			return fmt.Errorf("rotate refresh token: %w", err)
		}
		sess.Created = time.Unix(0, created).UTC()
		return nil
	})
	if err != nil {
		return nil, err
	}
	if reused {
		return &sess, server.ErrRefreshReused
	}
	sess.RefreshHash = newHash
	sess.LastSeen = now.UTC()
	return &sess, nil
}

// ListSessions returns the sessions of userID, oldest first.
func (s *Store) ListSessions(ctx context.Context, userID int64) ([]server.Session, error) {
	rows, err := s.db.Query(ctx, `SELECT id, device_name, created, last_seen FROM sessions WHERE user_id = $1 ORDER BY created, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	var out []server.Session
	for rows.Next() {
		var ss server.Session
		var c, l int64
		if err := rows.Scan(&ss.ID, &ss.DeviceName, &c, &l); err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		ss.UserID = userID
		ss.Created, ss.LastSeen = time.Unix(0, c).UTC(), time.Unix(0, l).UTC()
		out = append(out, ss)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return out, nil
}

// DeleteSession revokes session sid of userID; ErrNotFound otherwise.
func (s *Store) DeleteSession(ctx context.Context, userID int64, sid string) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE id = $1 AND user_id = $2`, sid, userID)
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return server.ErrNotFound
	}
	return nil
}

// DeleteOtherSessions revokes every session of userID but keep.
func (s *Store) DeleteOtherSessions(ctx context.Context, userID int64, keep string) (int64, error) {
	tag, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, userID, keep)
	if err != nil {
		return 0, fmt.Errorf("delete sessions: %w", err)
	}
	return tag.RowsAffected(), nil
}

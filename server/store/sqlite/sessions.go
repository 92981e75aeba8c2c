package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"cipherleaf.dev/server"
)

func insertSession(ctx context.Context, tx *sql.Tx, sess *server.Session, now time.Time) error {
	sess.Created, sess.LastSeen = now.UTC(), now.UTC()
	_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, device_name, refresh_hash, created, last_seen) VALUES (?, ?, ?, ?, ?, ?)`,
		sess.ID, sess.UserID, sess.DeviceName, sess.RefreshHash, now.UnixNano(), now.UnixNano())
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

// CreateSession adds sess (for sess.UserID).
func (s *Store) CreateSession(ctx context.Context, sess *server.Session) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin create session: %w", err)
	}
	defer tx.Rollback()
	if err := insertSession(ctx, tx, sess, s.now()); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit create session: %w", err)
	}
	return nil
}

// SessionAuth looks up the session sid and its user; ErrNotFound if the
// session was revoked or the user deleted.
func (s *Store) SessionAuth(ctx context.Context, sid string) (server.SessionAuth, error) {
	a, ok, gen := s.sessions.get(sid)
	if ok {
		return a, nil
	}
	var last int64
	err := s.stmts.sessionAuth.QueryRowContext(ctx, sid).Scan(&a.UserID, &a.UID, &a.Disabled, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return a, server.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("look up session: %w", err)
	}
	a.LastSeen = time.Unix(0, last)
	s.sessions.put(sid, a, gen)
	return a, nil
}

// TouchSession records that session sid was used now.
func (s *Store) TouchSession(ctx context.Context, sid string) error {
	now := s.now()
	if _, err := s.stmts.touch.ExecContext(ctx, now.UnixNano(), sid); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	s.sessions.update(sid, func(a *server.SessionAuth) { a.LastSeen = now })
	return nil
}

// RotateRefresh spends the refresh token whose hash is oldHash and makes
// newHash the session's current one. A token that was already spent
// revokes its whole session (theft detection) and returns ErrRefreshReused
// with the revoked session's ID and UserID filled; an unknown token returns
// ErrNotFound.
func (s *Store) RotateRefresh(ctx context.Context, oldHash, newHash []byte) (*server.Session, error) {
	now := s.now()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin refresh: %w", err)
	}
	defer tx.Rollback()
	var sess server.Session
	var created int64
	err = tx.QueryRowContext(ctx, `SELECT id, user_id, device_name, created FROM sessions WHERE refresh_hash = ?`, oldHash).
		Scan(&sess.ID, &sess.UserID, &sess.DeviceName, &created)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, `SELECT s.id, s.user_id FROM spent_refresh r JOIN sessions s ON s.id = r.session_id WHERE r.hash = ?`, oldHash).
			Scan(&sess.ID, &sess.UserID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, server.ErrNotFound
		}
		if err != nil {
			return nil, fmt.Errorf("look up spent token: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, sess.ID); err != nil {
			return nil, fmt.Errorf("revoke session: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return nil, fmt.Errorf("commit revoke session: %w", err)
		}
		s.sessions.invalidate()
		return &sess, server.ErrRefreshReused
	}
	if err != nil {
		return nil, fmt.Errorf("look up refresh token: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO spent_refresh (hash, session_id) VALUES (?, ?)`, oldHash, sess.ID); err != nil {
		return nil, fmt.Errorf("spend refresh token: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sessions SET refresh_hash = ?, last_seen = ? WHERE id = ?`, newHash, now.UnixNano(), sess.ID); err != nil {
		return nil, fmt.Errorf("rotate refresh token: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit refresh: %w", err)
	}
	sess.RefreshHash = newHash
	sess.Created = time.Unix(0, created).UTC()
	sess.LastSeen = now.UTC()
	return &sess, nil
}

// ListSessions returns the sessions of user id, oldest first.
func (s *Store) ListSessions(ctx context.Context, userID int64) ([]server.Session, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, device_name, created, last_seen FROM sessions WHERE user_id = ? ORDER BY created, id`, userID)
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

// DeleteSession revokes session sid if it belongs to user id; ErrNotFound
// otherwise (another user's session is indistinguishable from none).
func (s *Store) DeleteSession(ctx context.Context, userID int64, sid string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE id = ? AND user_id = ?`, sid, userID)
	s.sessions.invalidate()
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return server.ErrNotFound
	}
	return nil
}

// DeleteOtherSessions revokes every session of user id except keep and
// returns how many it revoked.
func (s *Store) DeleteOtherSessions(ctx context.Context, userID int64, keep string) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id != ?`, userID, keep)
	s.sessions.invalidate()
	if err != nil {
		return 0, fmt.Errorf("delete sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

const userCols = `id, uid, username, auth_hash, recovery_hash, kdf, wrapped_key, recovery_wrapped_key, disabled, created`

func scanUser(row interface{ Scan(...any) error }) (*server.User, error) {
	var u server.User
	var kdf string
	var created int64
	err := row.Scan(&u.ID, &u.UID, &u.Username, &u.AuthHash, &u.RecoveryHash, &kdf,
		&u.WrappedKey, &u.RecoveryWrappedKey, &u.Disabled, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, server.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("scan user: %w", err)
	}
	if u.KDF, err = decodeKDF(kdf); err != nil {
		return nil, err
	}
	u.Created = time.Unix(0, created).UTC()
	return &u, nil
}

// decodeKDF reads the KDF parameters stored as JSON in users.kdf.
func decodeKDF(s string) (protocol.KDF, error) {
	var k protocol.KDF
	if err := json.Unmarshal([]byte(s), &k); err != nil {
		return k, fmt.Errorf("decode stored kdf: %w", err)
	}
	return k, nil
}

func encodeKDF(k protocol.KDF) (string, error) {
	b, err := json.Marshal(k)
	if err != nil {
		return "", fmt.Errorf("encode kdf: %w", err)
	}
	return string(b), nil
}

// CreateUser inserts u and its first session in one transaction. It fills
// u.ID and u.Created. ErrUsernameTaken if the name exists.
func (s *Store) CreateUser(ctx context.Context, u *server.User, sess *server.Session) error {
	kdf, err := encodeKDF(u.KDF)
	if err != nil {
		return err
	}
	now := s.now()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin create user: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO users (uid, username, auth_hash, recovery_hash, kdf, wrapped_key, recovery_wrapped_key, created, key_generation)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		u.UID, u.Username, u.AuthHash, u.RecoveryHash, kdf, u.WrappedKey, u.RecoveryWrappedKey, now.UnixNano())
	if err != nil {
		if isUniqueViolation(err) {
			return server.ErrUsernameTaken
		}
		return fmt.Errorf("insert user: %w", err)
	}
	if u.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("insert user: %w", err)
	}
	u.Created = now.UTC()
	if sess != nil {
		sess.UserID = u.ID
		if err := insertSession(ctx, tx, sess, now); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit create user: %w", err)
	}
	return nil
}

// UserByName returns the user called name, or ErrNotFound.
func (s *Store) UserByName(ctx context.Context, name string) (*server.User, error) {
	return scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE username = ?`, name))
}

// UserByID returns the user with internal id, or ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (*server.User, error) {
	return scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
}

// ListUsers returns every account, by name.
func (s *Store) ListUsers(ctx context.Context) ([]server.UserSummary, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT username, uid, disabled, used_bytes, created,
		(SELECT count(*) FROM notes n WHERE n.user_id = u.id AND n.blob IS NOT NULL),
		(SELECT count(*) FROM notes n WHERE n.user_id = u.id AND n.blob IS NULL),
		(SELECT count(*) FROM sessions s WHERE s.user_id = u.id)
		FROM users u ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []server.UserSummary
	for rows.Next() {
		var us server.UserSummary
		var created int64
		if err := rows.Scan(&us.Username, &us.UID, &us.Disabled, &us.UsedBytes, &created, &us.Notes, &us.Tomb, &us.Sessions); err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		us.Created = time.Unix(0, created).UTC()
		out = append(out, us)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// SetDisabled disables or enables the account called name. Disabling also
// ends every session of the account.
func (s *Store) SetDisabled(ctx context.Context, name string, disabled bool) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin set disabled: %w", err)
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx, `UPDATE users SET disabled = ? WHERE username = ? RETURNING id`, disabled, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return server.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("set disabled: %w", err)
	}
	if disabled {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit set disabled: %w", err)
	}
	return s.authChanged()
}

// DeleteUser deletes the account with internal id and, by cascade, every
// note and session of it.
func (s *Store) DeleteUser(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, id)
	s.sessions.invalidate()
	if err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return server.ErrNotFound
	}
	return nil
}

// DeleteUserByName deletes the account called name and all its data.
func (s *Store) DeleteUserByName(ctx context.Context, name string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM users WHERE username = ?`, name)
	if err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return server.ErrNotFound
	}
	return s.authChanged()
}

// UpdateKeys applies k to user id. If endSessions, every session of the
// user except keep is ended in the same transaction; if newSess is not nil
// it is created there too. It returns the ids of the ended sessions.
func (s *Store) UpdateKeys(ctx context.Context, id int64, k server.KeyUpdate, endSessions bool, keep string, newSess *server.Session) ([]string, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin update keys: %w", err)
	}
	defer tx.Rollback()
	if k.Generation != 0 {
		// The writer runs one transaction at a time (BEGIN IMMEDIATE), so
		// this check and every write below are atomic.
		res, err := tx.ExecContext(ctx, `UPDATE users SET key_generation = ?
			WHERE id = ? AND (key_generation IS NULL OR key_generation = ?)`, k.Generation, id, k.BaseGeneration)
		if err != nil {
			return nil, fmt.Errorf("update key generation: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM users WHERE id = ?`, id).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return nil, server.ErrNotFound
			}
			if err != nil {
				return nil, fmt.Errorf("update key generation: %w", err)
			}
			return nil, server.ErrKeyConflict
		}
	}
	set := []string{}
	args := []any{}
	if k.AuthHash != nil {
		set, args = append(set, "auth_hash = ?"), append(args, k.AuthHash)
	}
	if k.RecoveryHash != nil {
		set, args = append(set, "recovery_hash = ?"), append(args, k.RecoveryHash)
	}
	if k.KDF != nil {
		kdf, err := encodeKDF(*k.KDF)
		if err != nil {
			return nil, err
		}
		set, args = append(set, "kdf = ?"), append(args, kdf)
	}
	if k.WrappedKey != nil {
		set, args = append(set, "wrapped_key = ?"), append(args, k.WrappedKey)
	}
	if k.RecoveryWrappedKey != nil {
		set, args = append(set, "recovery_wrapped_key = ?"), append(args, k.RecoveryWrappedKey)
	}
	if len(set) > 0 {
		// Column names above are constants; values are bound parameters.
		res, err := tx.ExecContext(ctx, `UPDATE users SET `+strings.Join(set, ", ")+` WHERE id = ?`, append(args, id)...)
		if err != nil {
			return nil, fmt.Errorf("update keys: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, server.ErrNotFound
		}
	}
	if k.AddSuccessor != nil {
		if err := addSuccessor(ctx, tx, id, k.AddSuccessor); err != nil {
			return nil, err
		}
	}
	var ended []string
	if endSessions {
		rows, err := tx.QueryContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id != ? RETURNING id`, id, keep)
		if err != nil {
			return nil, fmt.Errorf("end sessions: %w", err)
		}
		for rows.Next() {
			var sid string
			if err := rows.Scan(&sid); err != nil {
				rows.Close()
				return nil, fmt.Errorf("end sessions: %w", err)
			}
			ended = append(ended, sid)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("end sessions: %w", err)
		}
	}
	if newSess != nil {
		newSess.UserID = id
		if err := insertSession(ctx, tx, newSess, s.now()); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit update keys: %w", err)
	}
	if endSessions {
		s.sessions.invalidate()
	}
	return ended, nil
}

// authChanged empties this process's session cache and tells other
// processes (a running server, when this is an admin command) to empty
// theirs.
func (s *Store) authChanged() error {
	s.sessions.invalidate()
	if err := s.sessions.bumpEpoch(); err != nil {
		return fmt.Errorf("signal auth change: %w", err)
	}
	return nil
}

// addSuccessor appends blob to user id's successors and drops the oldest
// beyond protocol.MaxSuccessors.
func addSuccessor(ctx context.Context, tx *sql.Tx, id int64, blob []byte) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO successors (user_id, blob) VALUES (?, ?)`, id, blob); err != nil {
		if isForeignKeyViolation(err) {
			return server.ErrNotFound
		}
		return fmt.Errorf("add successor: %w", err)
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM successors WHERE user_id = ? AND id NOT IN
		(SELECT id FROM successors WHERE user_id = ? ORDER BY id DESC LIMIT ?)`, id, id, protocol.MaxSuccessors)
	if err != nil {
		return fmt.Errorf("drop old successors: %w", err)
	}
	return nil
}

// KeyGeneration returns user id's current key generation, 0 when not yet
// known (SPEC §7.2).
func (s *Store) KeyGeneration(ctx context.Context, id int64) (uint32, error) {
	var g sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT key_generation FROM users WHERE id = ?`, id).Scan(&g)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, server.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("read key generation: %w", err)
	}
	return uint32(g.Int64), nil
}

// Successors returns user id's key rotation successors, oldest first (nil
// when there are none).
func (s *Store) Successors(ctx context.Context, id int64) ([][]byte, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT blob FROM successors WHERE user_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("read successors: %w", err)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("read successors: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read successors: %w", err)
	}
	return out, nil
}

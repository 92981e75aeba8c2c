package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

const userCols = `id, uid, username, auth_hash, recovery_hash, kdf, wrapped_key, recovery_wrapped_key, disabled, created`

func scanUser(row pgx.Row) (*server.User, error) {
	var u server.User
	var kdf string
	var created int64
	err := row.Scan(&u.ID, &u.UID, &u.Username, &u.AuthHash, &u.RecoveryHash, &kdf,
		&u.WrappedKey, &u.RecoveryWrappedKey, &u.Disabled, &created)
	if noRows(err) {
		return nil, server.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("scan user: %w", err)
	}
	if err := json.Unmarshal([]byte(kdf), &u.KDF); err != nil {
		return nil, fmt.Errorf("decode stored kdf: %w", err)
	}
	u.Created = time.Unix(0, created).UTC()
	return &u, nil
}

func encodeKDF(k protocol.KDF) (string, error) {
	b, err := json.Marshal(k)
	if err != nil {
		return "", fmt.Errorf("encode kdf: %w", err)
	}
	return string(b), nil
}

// CreateUser inserts u and its first session in one transaction.
func (s *Store) CreateUser(ctx context.Context, u *server.User, sess *server.Session) error {
	kdf, err := encodeKDF(u.KDF)
	if err != nil {
		return err
	}
	now := s.now()
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO users (uid, username, auth_hash, recovery_hash, kdf, wrapped_key, recovery_wrapped_key, created, key_generation)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1) RETURNING id`,
			u.UID, u.Username, u.AuthHash, u.RecoveryHash, kdf, u.WrappedKey, u.RecoveryWrappedKey, now.UnixNano()).Scan(&u.ID)
		if isUniqueViolation(err) {
			return server.ErrUsernameTaken
		}
		if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		if sess != nil {
			sess.UserID = u.ID
			return insertSession(ctx, tx, sess, now)
		}
		return nil
	})
	if err != nil {
		return err
	}
	u.Created = now.UTC()
	return nil
}

// UserByName returns the user called name, or ErrNotFound.
func (s *Store) UserByName(ctx context.Context, name string) (*server.User, error) {
	return scanUser(s.db.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE username = $1`, name))
}

// UserByID returns the user with internal id, or ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (*server.User, error) {
	return scanUser(s.db.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
}

// ListUsers returns every account, by name.
func (s *Store) ListUsers(ctx context.Context) ([]server.UserSummary, error) {
	rows, err := s.db.Query(ctx, `SELECT username, uid, disabled, used_bytes, created,
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

// SetDisabled disables or enables the account called name; disabling ends
// every session of it in the same transaction.
func (s *Store) SetDisabled(ctx context.Context, name string, disabled bool) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `UPDATE users SET disabled = $1 WHERE username = $2 RETURNING id`, disabled, name).Scan(&id)
		if noRows(err) {
			return server.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("set disabled: %w", err)
		}
		if disabled {
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
				return fmt.Errorf("end sessions: %w", err)
			}
		}
		return nil
	})
}

// DeleteUser deletes the account with internal id and all its data.
func (s *Store) DeleteUser(ctx context.Context, id int64) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM users WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return server.ErrNotFound
	}
	return nil
}

// DeleteUserByName deletes the account called name and all its data.
func (s *Store) DeleteUserByName(ctx context.Context, name string) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM users WHERE username = $1`, name)
	if err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return server.ErrNotFound
	}
	return nil
}

// UpdateKeys applies k to user id (see server.Store). The key generation
// compare-and-swap is one conditional UPDATE: PostgreSQL re-checks its
// WHERE on the row's newest version after waiting for a concurrent
// writer's lock, so of two rotations from the same generation one matches
// and the other updates nothing.
func (s *Store) UpdateKeys(ctx context.Context, id int64, k server.KeyUpdate, endSessions bool, keep string, newSess *server.Session) ([]string, error) {
	var ended []string
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if k.Generation != 0 {
			tag, err := tx.Exec(ctx, `UPDATE users SET key_generation = $1
				WHERE id = $2 AND (key_generation IS NULL OR key_generation = $3)`, int64(k.Generation), id, int64(k.BaseGeneration))
			if err != nil {
				return fmt.Errorf("update key generation: %w", err)
			}
			if tag.RowsAffected() == 0 {
				var one int
				err := tx.QueryRow(ctx, `SELECT 1 FROM users WHERE id = $1`, id).Scan(&one)
				if noRows(err) {
					return server.ErrNotFound
				}
				if err != nil {
					return fmt.Errorf("update key generation: %w", err)
				}
				return server.ErrKeyConflict
			}
		}
		set := []string{}
		args := []any{}
		add := func(col string, v any) {
			args = append(args, v)
			set = append(set, col+" = $"+strconv.Itoa(len(args)))
		}
		if k.AuthHash != nil {
			add("auth_hash", k.AuthHash)
		}
		if k.RecoveryHash != nil {
			add("recovery_hash", k.RecoveryHash)
		}
		if k.KDF != nil {
			kdf, err := encodeKDF(*k.KDF)
			if err != nil {
				return err
			}
			add("kdf", kdf)
		}
		if k.WrappedKey != nil {
			add("wrapped_key", k.WrappedKey)
		}
		if k.RecoveryWrappedKey != nil {
			add("recovery_wrapped_key", k.RecoveryWrappedKey)
		}
		if len(set) > 0 {
			// Column names above are constants; values are bound parameters.
			args = append(args, id)
			tag, err := tx.Exec(ctx, `UPDATE users SET `+strings.Join(set, ", ")+` WHERE id = $`+strconv.Itoa(len(args)), args...)
			if err != nil {
				return fmt.Errorf("update keys: %w", err)
			}
			if tag.RowsAffected() == 0 {
				return server.ErrNotFound
			}
		}
		if k.AddSuccessor != nil {
			if err := addSuccessor(ctx, tx, id, k.AddSuccessor); err != nil {
				return err
			}
		}
		if endSessions {
			rows, err := tx.Query(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2 RETURNING id`, id, keep)
			if err != nil {
				return fmt.Errorf("end sessions: %w", err)
			}
			ended, err = pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				return fmt.Errorf("end sessions: %w", err)
			}
		}
		if newSess != nil {
			newSess.UserID = id
			return insertSession(ctx, tx, newSess, s.now())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ended, nil
}

// addSuccessor appends blob to user id's successors and drops the oldest
// beyond protocol.MaxSuccessors.
func addSuccessor(ctx context.Context, tx pgx.Tx, id int64, blob []byte) error {
	if _, err := tx.Exec(ctx, `INSERT INTO successors (user_id, blob) VALUES ($1, $2)`, id, blob); err != nil {
		if isForeignKeyViolation(err) {
			return server.ErrNotFound
		}
		return fmt.Errorf("add successor: %w", err)
	}
	_, err := tx.Exec(ctx, `DELETE FROM successors WHERE user_id = $1 AND id NOT IN
		(SELECT id FROM successors WHERE user_id = $1 ORDER BY id DESC LIMIT $2)`, id, protocol.MaxSuccessors)
	if err != nil {
		return fmt.Errorf("drop old successors: %w", err)
	}
	return nil
}

// KeyGeneration returns user id's current key generation, 0 when unknown.
func (s *Store) KeyGeneration(ctx context.Context, id int64) (uint32, error) {
	var g *int64
	err := s.db.QueryRow(ctx, `SELECT key_generation FROM users WHERE id = $1`, id).Scan(&g)
	if noRows(err) {
		return 0, server.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("read key generation: %w", err)
	}
	if g == nil {
		return 0, nil
	}
	return uint32(*g), nil
}

// Successors returns user id's key rotation successors, oldest first.
func (s *Store) Successors(ctx context.Context, id int64) ([][]byte, error) {
	rows, err := s.db.Query(ctx, `SELECT blob FROM successors WHERE user_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("read successors: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, fmt.Errorf("read successors: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// RehashKey replaces the auth (or recovery) hash only if it is still old.
func (s *Store) RehashKey(ctx context.Context, id int64, recovery bool, old, newHash []byte) error {
	q := `UPDATE users SET auth_hash = $1 WHERE id = $2 AND auth_hash = $3`
	if recovery {
		q = `UPDATE users SET recovery_hash = $1 WHERE id = $2 AND recovery_hash = $3`
	}
	if _, err := s.db.Exec(ctx, q, newHash, id, old); err != nil {
		return fmt.Errorf("rehash key: %w", err)
	}
	return nil
}

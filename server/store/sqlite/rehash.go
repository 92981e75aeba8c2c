package sqlite

import (
	"context"
	"fmt"
)

// RehashKey replaces the user's auth hash (recovery hash if recovery)
// with newHash, only if it is still old: a password changed meanwhile is
// never overwritten. Nothing else about the account changes.
func (s *Store) RehashKey(ctx context.Context, id int64, recovery bool, old, newHash []byte) error {
	q := `UPDATE users SET auth_hash = ? WHERE id = ? AND auth_hash = ?`
	if recovery {
		q = `UPDATE users SET recovery_hash = ? WHERE id = ? AND recovery_hash = ?`
	}
	if _, err := s.w.ExecContext(ctx, q, newHash, id, old); err != nil {
		return fmt.Errorf("rehash key: %w", err)
	}
	return nil
}

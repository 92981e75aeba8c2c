package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"cipherleaf.dev/server"
)

// TwoFactor returns user id's two-factor state; the zero value when the
// account never enrolled.
func (s *Store) TwoFactor(ctx context.Context, id int64) (*server.TwoFactor, error) {
	var t server.TwoFactor
	err := s.r.QueryRowContext(ctx, `SELECT secret, pending, last_step,
		(SELECT count(*) FROM recovery_codes WHERE user_id = ?) FROM two_factor WHERE user_id = ?`, id, id).
		Scan(&t.Secret, &t.Pending, &t.LastStep, &t.CodesLeft)
	if errors.Is(err, sql.ErrNoRows) {
		return &server.TwoFactor{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read two-factor state: %w", err)
	}
	return &t, nil
}

// SetTwoFactorPending stores a sealed secret awaiting confirmation,
// replacing an earlier pending one.
func (s *Store) SetTwoFactorPending(ctx context.Context, id int64, sealed []byte) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO two_factor (user_id, pending) VALUES (?, ?)
		ON CONFLICT (user_id) DO UPDATE SET pending = excluded.pending`, id, sealed)
	if isForeignKeyViolation(err) {
		return server.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store pending two-factor secret: %w", err)
	}
	return nil
}

// ConfirmTwoFactor makes the pending secret the account's, records step
// as used and replaces the recovery codes with codeHashes, in one
// transaction; only if the pending secret is still pending (ErrConflict
// otherwise).
func (s *Store) ConfirmTwoFactor(ctx context.Context, id int64, pending []byte, step int64, codeHashes [][]byte) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin confirm two-factor: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE two_factor SET secret = pending, pending = NULL, last_step = ?
		WHERE user_id = ? AND pending = ? AND secret IS NULL`, step, id, pending)
	if err != nil {
		return fmt.Errorf("confirm two-factor: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return server.ErrConflict
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, id); err != nil {
		return fmt.Errorf("replace recovery codes: %w", err)
	}
	for _, h := range codeHashes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, hash) VALUES (?, ?)`, id, h); err != nil {
			return fmt.Errorf("store recovery code: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit confirm two-factor: %w", err)
	}
	return nil
}

// UseTOTPStep records step as the newest accepted for user id, only if it
// is newer than the last one: false means the code was already used (or an
// older one), so a replayed code is refused even inside its window.
func (s *Store) UseTOTPStep(ctx context.Context, id int64, step int64) (bool, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE two_factor SET last_step = ?
		WHERE user_id = ? AND secret IS NOT NULL AND last_step < ?`, step, id, step)
	if err != nil {
		return false, fmt.Errorf("use totp step: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// UseRecoveryCode deletes the recovery code with hash from user id: false
// means there is none (wrong or already used).
func (s *Store) UseRecoveryCode(ctx context.Context, id int64, hash []byte) (bool, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ? AND hash = ?`, id, hash)
	if err != nil {
		return false, fmt.Errorf("use recovery code: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// DisableTwoFactor removes user id's secret, pending secret and recovery
// codes.
func (s *Store) DisableTwoFactor(ctx context.Context, id int64) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin disable two-factor: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM two_factor WHERE user_id = ?`, id); err != nil {
		return fmt.Errorf("disable two-factor: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, id); err != nil {
		return fmt.Errorf("disable two-factor: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit disable two-factor: %w", err)
	}
	return nil
}

// ResetTwoFactorByName is the administrator's reset of the account called
// name (cipherleafd user reset-2fa): DisableTwoFactor by name.
func (s *Store) ResetTwoFactorByName(ctx context.Context, name string) error {
	var id int64
	err := s.r.QueryRowContext(ctx, `SELECT id FROM users WHERE username = ?`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return server.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("find user: %w", err)
	}
	return s.DisableTwoFactor(ctx, id)
}

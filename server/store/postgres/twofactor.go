package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"cipherleaf.dev/server"
)

// TwoFactor returns user id's two-factor state (zero if never enrolled).
func (s *Store) TwoFactor(ctx context.Context, id int64) (*server.TwoFactor, error) {
	var t server.TwoFactor
	err := s.db.QueryRow(ctx, `SELECT secret, pending, last_step,
		(SELECT count(*) FROM recovery_codes WHERE user_id = $1) FROM two_factor WHERE user_id = $1`, id).
		Scan(&t.Secret, &t.Pending, &t.LastStep, &t.CodesLeft)
	if noRows(err) {
		return &server.TwoFactor{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read two-factor state: %w", err)
	}
	return &t, nil
}

// SetTwoFactorPending stores a sealed secret awaiting confirmation.
func (s *Store) SetTwoFactorPending(ctx context.Context, id int64, sealed []byte) error {
	_, err := s.db.Exec(ctx, `INSERT INTO two_factor (user_id, pending) VALUES ($1, $2)
		ON CONFLICT (user_id) DO UPDATE SET pending = excluded.pending`, id, sealed)
	if isForeignKeyViolation(err) {
		return server.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store pending two-factor secret: %w", err)
	}
	return nil
}

// ConfirmTwoFactor makes pending the account's secret, records step and
// replaces the recovery codes, only while pending is still pending (a
// conditional UPDATE: one of two confirmations at once wins).
func (s *Store) ConfirmTwoFactor(ctx context.Context, id int64, pending []byte, step int64, codeHashes [][]byte) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE two_factor SET secret = pending, pending = NULL, last_step = $1
			WHERE user_id = $2 AND pending = $3 AND secret IS NULL`, step, id, pending)
		if err != nil {
			return fmt.Errorf("confirm two-factor: %w", err)
		}
		if tag.RowsAffected() != 1 {
			return server.ErrConflict
		}
		if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, id); err != nil {
			return fmt.Errorf("replace recovery codes: %w", err)
		}
		for _, h := range codeHashes {
			if _, err := tx.Exec(ctx, `INSERT INTO recovery_codes (user_id, hash) VALUES ($1, $2)`, id, h); err != nil {
				return fmt.Errorf("store recovery code: %w", err)
			}
		}
		return nil
	})
}

// UseTOTPStep records step as the newest accepted if it is newer than the
// last one; the conditional UPDATE makes a code usable once across
// replicas.
func (s *Store) UseTOTPStep(ctx context.Context, id int64, step int64) (bool, error) {
	tag, err := s.db.Exec(ctx, `UPDATE two_factor SET last_step = $1
		WHERE user_id = $2 AND secret IS NOT NULL AND last_step < $1`, step, id)
	if err != nil {
		return false, fmt.Errorf("use totp step: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// UseRecoveryCode spends the recovery code with hash, if unused.
func (s *Store) UseRecoveryCode(ctx context.Context, id int64, hash []byte) (bool, error) {
	tag, err := s.db.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1 AND hash = $2`, id, hash)
	if err != nil {
		return false, fmt.Errorf("use recovery code: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// DisableTwoFactor removes the secret, pending secret and codes.
func (s *Store) DisableTwoFactor(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM two_factor WHERE user_id = $1`, id); err != nil {
			return fmt.Errorf("disable two-factor: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, id); err != nil {
			return fmt.Errorf("disable two-factor: %w", err)
		}
		return nil
	})
}

// ResetTwoFactorByName is DisableTwoFactor for the account called name.
func (s *Store) ResetTwoFactorByName(ctx context.Context, name string) error {
	var id int64
	err := s.db.QueryRow(ctx, `SELECT id FROM users WHERE username = $1`, name).Scan(&id)
	if noRows(err) {
		return server.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("find user: %w", err)
	}
	return s.DisableTwoFactor(ctx, id)
}

package vault

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"cipherleaf.dev/shared/protocol"
)

// Account is the profile's account row: where the server is, who the user
// is, and the wrapped key bundles. Nothing in it opens a note by itself.
type Account struct {
	ServerURL          string
	Pin                string // "sha256:<hex>" or "" for system roots
	Username           string
	UserID             string
	SessionID          string
	KDF                protocol.KDF
	WrappedKey         []byte // Wrap(KEK, bundle, "password")
	RecoveryWrappedKey []byte // Wrap(RWK, bundle, "recovery"), nil if unknown here
	DeviceWrappedKey   []byte // Wrap(DK, bundle, "device"), nil unless remembered
	AccessToken        string
	RefreshToken       string
}

// Account returns the account row, or ErrNoAccount.
func (tx *Tx) Account() (Account, error) {
	var a Account
	var kdf string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT server_url, pin, username, user_id, session_id, kdf,
		wrapped_key, recovery_wrapped_key, device_wrapped_key, access_token, refresh_token
		FROM account WHERE id = 1`).Scan(&a.ServerURL, &a.Pin, &a.Username, &a.UserID, &a.SessionID, &kdf,
		&a.WrappedKey, &a.RecoveryWrappedKey, &a.DeviceWrappedKey, &a.AccessToken, &a.RefreshToken)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, ErrNoAccount
	}
	if err != nil {
		return Account{}, fmt.Errorf("read account: %w", err)
	}
	if err := json.Unmarshal([]byte(kdf), &a.KDF); err != nil {
		return Account{}, fmt.Errorf("decode kdf parameters: %w", err)
	}
	if err := tx.fillTokens(&a); err != nil {
		return Account{}, err
	}
	return a, nil
}

// PutAccount writes the account row (replacing it).
func (tx *Tx) PutAccount(a Account) error {
	kdf, err := json.Marshal(a.KDF)
	if err != nil {
		return fmt.Errorf("encode kdf parameters: %w", err)
	}
	if err := tx.stashTokens(&a); err != nil {
		return err
	}
	_, err = tx.exec(`INSERT INTO account (id, server_url, pin, username, user_id, session_id, kdf,
		wrapped_key, recovery_wrapped_key, device_wrapped_key, access_token, refresh_token)
		VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET server_url = excluded.server_url, pin = excluded.pin,
		username = excluded.username, user_id = excluded.user_id, session_id = excluded.session_id,
		kdf = excluded.kdf, wrapped_key = excluded.wrapped_key,
		recovery_wrapped_key = excluded.recovery_wrapped_key, device_wrapped_key = excluded.device_wrapped_key,
		access_token = excluded.access_token, refresh_token = excluded.refresh_token`,
		a.ServerURL, a.Pin, a.Username, a.UserID, a.SessionID, string(kdf),
		a.WrappedKey, a.RecoveryWrappedKey, a.DeviceWrappedKey, a.AccessToken, a.RefreshToken)
	if err != nil {
		return fmt.Errorf("write account: %w", err)
	}
	return nil
}

// Cursor returns the change-feed position pulled up to.
func (tx *Tx) Cursor() (uint64, error) {
	s, err := tx.meta("cursor")
	if err != nil || s == "" {
		return 0, err
	}
	c, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("decode cursor: %w", err)
	}
	return c, nil
}

// SetCursor records the change-feed position pulled up to.
func (tx *Tx) SetCursor(c uint64) error { return tx.setMeta("cursor", strconv.FormatUint(c, 10)) }

// Account returns the account row, or ErrNoAccount.
func (v *Vault) Account(ctx context.Context) (Account, error) {
	var a Account
	err := v.View(ctx, func(tx *Tx) error {
		var err error
		a, err = tx.Account()
		return err
	})
	return a, err
}

// UpdateAccount reads the account row, lets fn change it and writes it back.
func (v *Vault) UpdateAccount(ctx context.Context, fn func(a *Account) error) error {
	return v.Update(ctx, func(tx *Tx) error {
		a, err := tx.Account()
		if err != nil {
			return err
		}
		if err := fn(&a); err != nil {
			return err
		}
		return tx.PutAccount(a)
	})
}

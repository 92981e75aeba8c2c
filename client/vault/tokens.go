package vault

import (
	"errors"
	"fmt"
)

// TokenKeeper keeps the API tokens outside the vault file, in the OS
// keyring (SPEC §8), by profile id.
type TokenKeeper interface {
	PutTokens(profileID, access, refresh string) error
	Tokens(profileID string) (access, refresh string, err error)
	DeleteTokens(profileID string) error
}

// Where the tokens of the account row live (meta token_store, SPEC §8).
const (
	TokensInVault   = "vault"
	TokensInKeyring = "keyring"
)

// KeepTokensIn makes the account row's tokens go to k instead of the vault
// file; if k refuses them they stay in the file (TokenStore says where, and
// TokenError why). Call it once, right after Open.
func (v *Vault) KeepTokensIn(k TokenKeeper) { v.tokens = k }

// TokenError is why the last token write did not reach the keeper (nil
// when it did, or none was tried).
func (v *Vault) TokenError() error {
	v.tmu.Lock()
	defer v.tmu.Unlock()
	return v.tokenErr
}

func (v *Vault) setTokenError(err error) {
	v.tmu.Lock()
	v.tokenErr = err
	v.tmu.Unlock()
}

// TokenStore says where the tokens are: TokensInKeyring or TokensInVault.
func (tx *Tx) TokenStore() (string, error) {
	s, err := tx.meta("token_store")
	if err != nil || s == "" {
		return TokensInVault, err
	}
	return s, nil
}

// stashTokens moves a's tokens to the keeper when there is one and it
// takes them, and records where they are; a is what goes into the file.
func (tx *Tx) stashTokens(a *Account) error {
	if a.AccessToken == "" && a.RefreshToken == "" {
		return nil // nothing to place: where they are stays as it is
	}
	where := TokensInVault
	if k := tx.v.tokens; k != nil {
		id, err := tx.meta("profile_id")
		if err != nil {
			return err
		}
		if err := k.PutTokens(id, a.AccessToken, a.RefreshToken); err != nil {
			tx.v.setTokenError(err)
		} else {
			tx.v.setTokenError(nil)
			a.AccessToken, a.RefreshToken, where = "", "", TokensInKeyring
		}
	}
	return tx.setMeta("token_store", where)
}

// fillTokens reads the tokens into a from the keeper when they are there.
// Tokens the keyring lost leave a without tokens: the session then asks to
// sign in again.
func (tx *Tx) fillTokens(a *Account) error {
	where, err := tx.TokenStore()
	if err != nil || where != TokensInKeyring || tx.v.tokens == nil {
		return err
	}
	id, err := tx.meta("profile_id")
	if err != nil {
		return err
	}
	access, refresh, err := tx.v.tokens.Tokens(id)
	if err != nil {
		if !errors.Is(err, ErrTokensGone) {
			tx.v.setTokenError(fmt.Errorf("read tokens: %w", err))
		}
		return nil
	}
	a.AccessToken, a.RefreshToken = access, refresh
	return nil
}

// ErrTokensGone is what a TokenKeeper returns when it holds no tokens for
// the profile.
var ErrTokensGone = errors.New("no tokens in the keyring")

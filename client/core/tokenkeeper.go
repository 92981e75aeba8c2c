package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"cipherleaf.dev/client/keystore"
	"cipherleaf.dev/client/vault"
)

// keyringTokens keeps the API tokens in the OS keyring (SPEC §8): one
// entry, service "cipherleaf", user "tokens:<profile_id>", holding
// {"access_token","refresh_token"}.
type keyringTokens struct{ k keystore.Keyring }

var _ vault.TokenKeeper = keyringTokens{}

type storedTokens struct {
	Access  string `json:"access_token"`
	Refresh string `json:"refresh_token"`
}

func tokensUser(profileID string) string { return "tokens:" + profileID }

func (t keyringTokens) PutTokens(profileID, access, refresh string) error {
	b, err := json.Marshal(storedTokens{Access: access, Refresh: refresh})
	if err != nil {
		return fmt.Errorf("encode tokens: %w", err)
	}
	if err := t.k.Set(keyringService, tokensUser(profileID), string(b)); err != nil {
		return fmt.Errorf("store tokens: %w", err)
	}
	return nil
}

func (t keyringTokens) Tokens(profileID string) (access, refresh string, err error) {
	s, err := t.k.Get(keyringService, tokensUser(profileID))
	if errors.Is(err, keystore.ErrNotFound) {
		return "", "", vault.ErrTokensGone
	}
	if err != nil {
		return "", "", err
	}
	var st storedTokens
	if err := json.Unmarshal([]byte(s), &st); err != nil {
		return "", "", vault.ErrTokensGone
	}
	return st.Access, st.Refresh, nil
}

func (t keyringTokens) DeleteTokens(profileID string) error {
	return t.k.Delete(keyringService, tokensUser(profileID))
}

// forgetTokens deletes the keyring's token entry of this profile.
func (c *Core) forgetTokens() error {
	id, err := c.v.ProfileID(context.Background())
	if err != nil {
		return err
	}
	err = keyringTokens{c.cfg.Keyring}.DeleteTokens(id)
	if errors.Is(err, keystore.ErrUnavailable) {
		return nil // no keyring: the tokens were in the vault being deleted
	}
	return err
}

// TokenStorage reports whether this profile's tokens are in the OS
// keyring; when they are not, why is the keyring's refusal (show it with
// Words), or nil when no tokens were stored yet.
func (c *Core) TokenStorage(ctx context.Context) (inKeyring bool, why error) {
	var where string
	err := c.v.View(ctx, func(tx *vault.Tx) error {
		var err error
		where, err = tx.TokenStore()
		return err
	})
	if err != nil {
		return false, err
	}
	return where == vault.TokensInKeyring, c.v.TokenError()
}

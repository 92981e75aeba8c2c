package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

// ErrRecoveryWrapUnknown means this device does not hold the bundle wrapped
// by the recovery key. No operation needs it any more (a key rotation keeps
// the server's recovery wrap, SPEC §3); it stays for front ends that test it.
var ErrRecoveryWrapUnknown = errors.New("this device does not hold the recovery-wrapped key")

// ErrUnsupported means the server's API offers no way to do this.
var ErrUnsupported = errors.New("not supported by this server")

// checkProfileFor refuses a second account in one profile; signing in again
// to the same account (after a password change or a revoked session) keeps
// the vault.
func (c *Core) checkProfileFor(url, username string) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.acct != nil && (c.acct.ServerURL != url || c.acct.Username != username) {
		return ErrAccountExists
	}
	return nil
}

// Register creates an account, leaves the vault unlocked and returns the
// recovery key, to be shown once.
func (c *Core) Register(ctx context.Context, in RegisterInput) (string, error) {
	if c.HasAccount() {
		return "", ErrAccountExists
	}
	username, err := protocol.NormalizeUsername(in.Username)
	if err != nil {
		return "", fmt.Errorf("register: %w", err)
	}
	r, err := c.dialChecked(ctx, "register", in.ServerURL, in.Pin)
	if err != nil {
		return "", err
	}
	dk, kdf, err := c.freshKeys(in.Password)
	if err != nil {
		return "", fmt.Errorf("register: %w", err)
	}
	b, err := cryptobox.NewBundle()
	if err != nil {
		return "", err
	}
	rk, err := cryptobox.NewRecoveryKey()
	if err != nil {
		return "", err
	}
	defer rk.Wipe()
	wk, rwk, rauth, err := wrapAll(dk, &rk, b)
	if err != nil {
		return "", fmt.Errorf("register: %w", err)
	}
	resp, err := r.Register(ctx, protocol.RegisterRequest{
		Username: username, AuthKey: dk.Auth[:], KDF: kdf, WrappedKey: wk,
		RecoveryWrappedKey: rwk, RecoveryAuthKey: rauth[:], DeviceName: c.cfg.DeviceName,
	})
	if err != nil {
		return "", classify("register", err)
	}
	a := accountRow{ServerURL: in.ServerURL, Pin: in.Pin, Username: username, UserID: resp.UserID,
		SessionID: resp.SessionID, KDF: kdf, WrappedKey: wk, RecoveryWrappedKey: rwk,
		AccessToken: resp.AccessToken, RefreshToken: resp.RefreshToken}
	if err := c.saveAccount(ctx, a, r); err != nil {
		return "", err
	}
	if err := c.v.Update(ctx, func(tx *vault.Tx) error { return tx.SetRecoveryGen(b.Current().Gen) }); err != nil {
		return "", fmt.Errorf("register: %w", err)
	}
	if err := c.open(ctx, a, b, dk); err != nil {
		return "", err
	}
	c.log.Info("registered", "user", resp.UserID)
	return rk.String(), nil
}

// wrapAll wraps b under the KEK and the recovery key.
func wrapAll(dk *cryptobox.DerivedKeys, rk *cryptobox.RecoveryKey, b cryptobox.Bundle) (wk, rwk []byte, rauth *[cryptobox.KeySize]byte, err error) {
	wk, err = cryptobox.WrapBundle(&dk.KEK, b, cryptobox.PurposePassword)
	if err != nil {
		return nil, nil, nil, err
	}
	rwkKey, err := rk.WrapKey()
	if err != nil {
		return nil, nil, nil, err
	}
	defer clear(rwkKey[:])
	rwk, err = cryptobox.WrapBundle(rwkKey, b, cryptobox.PurposeRecovery)
	if err != nil {
		return nil, nil, nil, err
	}
	rauth, err = rk.AuthKey()
	return wk, rwk, rauth, err
}

// saveAccount stores a, keeping a remembered device's wrap and a known
// recovery wrap of a previous sign-in of the same account.
func (c *Core) saveAccount(ctx context.Context, a accountRow, r Remote) error {
	err := c.v.Update(ctx, func(tx *vault.Tx) error {
		old, err := tx.Account()
		if err == nil && old.UserID == a.UserID {
			if a.RecoveryWrappedKey == nil {
				a.RecoveryWrappedKey = old.RecoveryWrappedKey
			}
		} else if err == nil {
			return ErrAccountExists
		}
		return tx.PutAccount(a)
	})
	if err != nil {
		return fmt.Errorf("save account: %w", err)
	}
	c.mu.Lock()
	c.acct, c.remote, c.engine = &a, r, nil
	c.mu.Unlock()
	return nil
}

// Login signs this device in (or signs it in again), unlocks it and pulls
// every note.
func (c *Core) Login(ctx context.Context, in LoginInput) error {
	username, err := protocol.NormalizeUsername(in.Username)
	if err != nil {
		return fmt.Errorf("log in: %w", err)
	}
	if err := c.checkProfileFor(in.ServerURL, username); err != nil {
		return err
	}
	r, err := c.dialChecked(ctx, "log in", in.ServerURL, in.Pin)
	if err != nil {
		return err
	}
	kdf, err := r.Params(ctx, username)
	if err != nil {
		return classify("log in", err)
	}
	// Derive only with the parameters and salt pinned at this device's
	// first sign-in; a new device relies on the floor (SPEC §3.1 L5).
	pinned, isPinned := c.pinnedKDF(in.ServerURL, username)
	if err := checkPinned(pinned, isPinned, *kdf); err != nil {
		return fmt.Errorf("log in: %w", err)
	}
	dk, err := c.derive(in.Password, *kdf)
	if err != nil {
		return fmt.Errorf("log in: %w", err)
	}
	resp, err := r.Login(ctx, protocol.LoginRequest{Username: username, AuthKey: dk.Auth[:], DeviceName: c.cfg.DeviceName})
	if isCode(err, protocol.CodeUnauthorized) {
		return ErrWrongPassword
	}
	if err == nil && resp.TwoFactor != nil {
		resp, err = answerChallenge(ctx, r, resp.TwoFactor, in.SecondFactor)
	}
	if err != nil {
		return classify("log in", err)
	}
	if !sameKDF(resp.KDF, *kdf) {
		return fmt.Errorf("log in: %w", ErrKDFChanged)
	}
	b, err := cryptobox.UnwrapBundle(&dk.KEK, resp.WrappedKey, cryptobox.PurposePassword)
	if err != nil {
		return fmt.Errorf("log in: %w", ErrWrongPassword)
	}
	if isPinned {
		if err := c.checkFloor(ctx, b); err != nil {
			b.Wipe()
			return fmt.Errorf("log in: %w", err)
		}
	}
	a := accountRow{ServerURL: in.ServerURL, Pin: in.Pin, Username: username, UserID: resp.UserID,
		SessionID: resp.SessionID, KDF: *kdf, WrappedKey: resp.WrappedKey,
		AccessToken: resp.AccessToken, RefreshToken: resp.RefreshToken}
	if err := c.saveAccount(ctx, a, r); err != nil {
		return err
	}
	if err := c.open(ctx, a, b, dk); err != nil {
		return err
	}
	if _, err := c.Sync(ctx); err != nil {
		return fmt.Errorf("first sync: %w", err)
	}
	return nil
}

// Recover sets a new password with the recovery key and unlocks.
func (c *Core) Recover(ctx context.Context, in RecoverInput) error {
	username, err := protocol.NormalizeUsername(in.Username)
	if err != nil {
		return fmt.Errorf("recover: %w", err)
	}
	if err := c.checkProfileFor(in.ServerURL, username); err != nil {
		return err
	}
	rk, err := cryptobox.ParseRecoveryKey(in.RecoveryKey)
	if err != nil {
		return fmt.Errorf("recover: %w", err)
	}
	defer rk.Wipe()
	r, err := c.cfg.Dial(c.remoteConfig(in.ServerURL, in.Pin, Tokens{}))
	if err != nil {
		return fmt.Errorf("recover: %w", err)
	}
	rauth, err := rk.AuthKey()
	if err != nil {
		return err
	}
	rec, err := r.Recovery(ctx, protocol.RecoveryRequest{Username: username, RecoveryAuthKey: rauth[:]})
	if isCode(err, protocol.CodeUnauthorized) {
		return ErrWrongRecoveryKey
	}
	if err != nil {
		return classify("recover", err)
	}
	// The account keeps its parameters and salt for life (SPEC §3.1 L5).
	pinned, isPinned := c.pinnedKDF(in.ServerURL, username)
	if err := checkPinned(pinned, isPinned, rec.KDF); err != nil {
		return fmt.Errorf("recover: %w", err)
	}
	rwkKey, err := rk.WrapKey()
	if err != nil {
		return err
	}
	defer clear(rwkKey[:])
	b, err := cryptobox.UnwrapBundle(rwkKey, rec.RecoveryWrappedKey, cryptobox.PurposeRecovery)
	if err != nil {
		return fmt.Errorf("recover: %w", ErrWrongRecoveryKey)
	}
	kdf := rec.KDF
	dk, err := c.derive(in.NewPassword, kdf)
	if err != nil {
		return fmt.Errorf("recover: %w", err)
	}
	wk, rwk, _, err := wrapAll(dk, &rk, b)
	if err != nil {
		return err
	}
	resp, err := r.Recover(ctx, protocol.RecoverRequest{Username: username, RecoveryAuthKey: rauth[:],
		NewAuthKey: dk.Auth[:], KDF: kdf, WrappedKey: wk, RecoveryWrappedKey: rwk, DeviceName: c.cfg.DeviceName,
		SecondFactor: in.SecondFactor})
	if err != nil {
		return classify("recover", err)
	}
	// Key rotations after the recovery wrap was made left the newer keys in
	// the successors: walk them forward (SPEC §3) and republish both wraps
	// of the newest bundle.
	keys, err := r.Keys(ctx)
	if err != nil {
		return classify("recover: fetch keys", err)
	}
	if nb := b.Follow(successorsOf(keys)); nb.Current().Gen > b.Current().Gen {
		nwk, nrwk, _, err := wrapAll(dk, &rk, nb)
		if err != nil {
			return err
		}
		g := nb.Current().Gen // a re-wrap of the current generation (SPEC §7.2)
		if err := r.PutKeys(ctx, protocol.KeysRequest{AuthKey: dk.Auth[:], WrappedKey: nwk, RecoveryWrappedKey: nrwk, BaseGeneration: g, Generation: g}); err != nil {
			return classify("recover rotated keys", err)
		}
		b.Wipe()
		b, wk, rwk = nb, nwk, nrwk
	}
	if isPinned {
		if err := c.checkFloor(ctx, b); err != nil {
			return fmt.Errorf("recover: %w", err)
		}
	}
	a := accountRow{ServerURL: in.ServerURL, Pin: in.Pin, Username: username, UserID: resp.UserID,
		SessionID: resp.SessionID, KDF: kdf, WrappedKey: wk, RecoveryWrappedKey: rwk,
		AccessToken: resp.AccessToken, RefreshToken: resp.RefreshToken}
	if err := c.saveAccount(ctx, a, r); err != nil {
		return err
	}
	if err := c.v.Update(ctx, func(tx *vault.Tx) error { return tx.SetRecoveryGen(b.Current().Gen) }); err != nil {
		return fmt.Errorf("recover: %w", err)
	}
	if err := c.open(ctx, a, b, dk); err != nil {
		return err
	}
	if _, err := c.Sync(ctx); err != nil {
		return fmt.Errorf("first sync: %w", err)
	}
	return nil
}

// checkPassword derives password's keys and proves them against the
// stored wrapped bundle.
func (c *Core) checkPassword(password []byte) (*cryptobox.DerivedKeys, cryptobox.Bundle, accountRow, error) {
	c.mu.RLock()
	a := c.acct
	c.mu.RUnlock()
	if a == nil {
		return nil, nil, accountRow{}, ErrNoAccount
	}
	dk, err := c.derive(password, a.KDF)
	if err != nil {
		return nil, nil, accountRow{}, err
	}
	b, err := cryptobox.UnwrapBundle(&dk.KEK, a.WrappedKey, cryptobox.PurposePassword)
	if err != nil {
		dk.Wipe()
		return nil, nil, accountRow{}, ErrWrongPassword
	}
	if err := c.checkFloor(context.Background(), b); err != nil {
		dk.Wipe()
		b.Wipe()
		return nil, nil, accountRow{}, err
	}
	return dk, b, *a, nil
}

// ChangePassword re-wraps the bundle under a new password (O(1): no note
// is re-encrypted). The server signs every other device out. It is not a
// compromise remedy on its own (SPEC §3.1 L4): the old password still opens
// the old wrap the server may keep, so front ends offer SecureAccount right
// after it when the old password may be known.
func (c *Core) ChangePassword(ctx context.Context, oldPassword, newPassword []byte) error {
	return c.ChangePasswordCode(ctx, oldPassword, newPassword, protocol.SecondFactor{})
}

// ChangePasswordCode is ChangePassword with the code an account with 2FA
// on needs (SPEC §7.5).
func (c *Core) ChangePasswordCode(ctx context.Context, oldPassword, newPassword []byte, f protocol.SecondFactor) error {
	old, b, a, err := c.checkPassword(oldPassword)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	defer old.Wipe()
	defer b.Wipe()
	// Same parameters and salt: they are pinned on every device for the
	// account's life (SPEC §3.1 L5).
	kdf := a.KDF
	dk, err := c.derive(newPassword, kdf)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	wk, err := cryptobox.WrapBundle(&dk.KEK, b, cryptobox.PurposePassword)
	if err != nil {
		return err
	}
	r, err := c.client()
	if err != nil {
		return err
	}
	err = r.ChangePassword(ctx, protocol.PasswordRequest{AuthKey: old.Auth[:], NewAuthKey: dk.Auth[:], KDF: kdf, WrappedKey: wk, SecondFactor: f})
	if isCode(err, protocol.CodeUnauthorized) {
		return fmt.Errorf("change password: %w", ErrWrongPassword)
	}
	if err != nil {
		return classify("change password", err)
	}
	if err := c.updateAccount(ctx, func(x *accountRow) error { x.KDF, x.WrappedKey = kdf, wk; return nil }); err != nil {
		return err
	}
	c.mu.Lock()
	if c.bundle != nil {
		if c.derived != nil {
			c.derived.Wipe()
		}
		c.derived = dk
	}
	c.mu.Unlock()
	return nil
}

// NewRecoveryKey replaces the account's recovery key and returns the new
// one, to be shown once. It is a compromise remedy (SPEC §3.1 L4): it runs
// SecureAccount, so the old recovery key, with every wrap the server kept,
// opens nothing written afterwards, and every other device signs in again.
func (c *Core) NewRecoveryKey(ctx context.Context, password []byte) (string, error) {
	rk, err := c.SecureAccount(ctx, password)
	if err != nil {
		return "", fmt.Errorf("new recovery key: %w", err)
	}
	c.log.Info("recovery key replaced")
	return rk, nil
}

// Sessions lists the account's signed-in devices.
func (c *Core) Sessions(ctx context.Context) ([]protocol.Session, error) {
	r, err := c.client()
	if err != nil {
		return nil, err
	}
	s, err := r.Sessions(ctx)
	return s, classify("list sessions", err)
}

// RevokeSession signs one device out.
func (c *Core) RevokeSession(ctx context.Context, id string) error {
	r, err := c.client()
	if err != nil {
		return err
	}
	return classify("revoke session", r.RevokeSession(ctx, id))
}

// RevokeOtherSessions signs out every device but this one.
func (c *Core) RevokeOtherSessions(ctx context.Context) error {
	r, err := c.client()
	if err != nil {
		return err
	}
	return classify("revoke sessions", r.RevokeOtherSessions(ctx))
}

// logoutTimeout bounds the server call of Logout: signing out of this
// device never waits long for a server that does not answer.
const logoutTimeout = 5 * time.Second

// Logout revokes this session and forgets the account on this device (the
// vault is emptied and the keyring entry deleted). It works offline and
// with a session the server already ended: the revocation is then skipped
// (the session ends by itself when its tokens expire) and only logged.
func (c *Core) Logout(ctx context.Context) error {
	if !c.HasAccount() {
		return ErrNoAccount
	}
	if r, err := c.client(); err == nil {
		sctx, cancel := context.WithTimeout(ctx, logoutTimeout)
		if err := r.Logout(sctx); err != nil {
			c.log.Warn("server not told of the logout", "err", classify("log out", err))
		}
		cancel()
	}
	return c.wipe(ctx)
}

// DeleteAccount deletes the account and all its notes on the server, then
// forgets it here.
func (c *Core) DeleteAccount(ctx context.Context, password []byte) error {
	return c.DeleteAccountCode(ctx, password, protocol.SecondFactor{})
}

// DeleteAccountCode is DeleteAccount with the code an account with 2FA on
// needs (SPEC §7.5).
func (c *Core) DeleteAccountCode(ctx context.Context, password []byte, f protocol.SecondFactor) error {
	dk, b, _, err := c.checkPassword(password)
	if err != nil {
		return fmt.Errorf("delete account: %w", err)
	}
	defer dk.Wipe()
	b.Wipe()
	r, err := c.client()
	if err != nil {
		return err
	}
	if err := r.DeleteAccount(ctx, protocol.DeleteAccountRequest{AuthKey: dk.Auth[:], SecondFactor: f}); err != nil {
		return classify("delete account", err)
	}
	return c.wipe(ctx)
}

// wipe forgets the account: the keys and notes leave memory, running syncs
// are cancelled and waited for (so none commits into the emptied vault),
// then the vault's rows are cleared in one transaction and the keyring
// entry deleted. No file is deleted: a connection of the old handle cannot
// take a new vault's write-ahead log with it.
func (c *Core) wipe(ctx context.Context) error {
	c.resetMu.Lock()
	defer c.resetMu.Unlock()
	user, err := c.keyringUser()
	if err != nil {
		return err
	}
	wasOpen := c.dropKeys()
	c.mu.Lock()
	c.acct, c.remote, c.engine = nil, nil, nil
	c.status = SyncStatus{}
	c.mu.Unlock()
	c.cancelSyncs()
	if wasOpen {
		c.events.publish(Event{Kind: EventLocked, Status: c.Status()})
	}
	if err := c.keyMu.waitIdle(ctx); err != nil {
		return fmt.Errorf("forget account: wait for sync: %w", err)
	}
	if err := c.forgetTokens(); err != nil {
		return fmt.Errorf("forget account: %w", err)
	}
	if err := c.v.Reset(ctx); err != nil {
		return fmt.Errorf("forget account: %w", err)
	}
	if err := c.cfg.Keyring.Delete(keyringService, user); err != nil {
		return fmt.Errorf("forget account: %w", err)
	}
	c.events.publish(Event{Kind: EventNotesChanged, Status: c.Status()})
	return nil
}

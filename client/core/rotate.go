package core

import (
	"context"
	"fmt"

	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

// rotateAttempts is how many times RotateKey tries to publish a new key
// when other devices keep rotating at the same time (SPEC §3).
const rotateAttempts = 3

// RotateKey makes a new account key, publishes it (and the successor other
// devices open with the old key), re-seals every note under it, uploads
// them and retires the old generation (SPEC §3.1 L3). It is a routine
// rotation, not a compromise remedy: whoever holds the old key follows the
// successor (use SecureAccount for that, SPEC §3.1 L4). Any device unlocked with the password can do it: the
// server keeps the recovery wrap, and a recovery walks the successors
// forward (SPEC §3). Resumable: the work left is the set of envelopes still
// under an older generation; the app stays usable meanwhile.
//
// The server accepts a rotation only from its current generation. When
// another device rotated at the same moment (a conflict), nothing has been
// sealed under this attempt's key: RotateKey adopts the other device's
// newest bundle and rotates again from there, so the key in use afterwards
// is one this device made. After rotateAttempts conflicts in a row it gives
// up with ErrKeyChanged, having adopted the newest key the server offers.
func (c *Core) RotateKey(ctx context.Context) error {
	if err := c.rotateKey(ctx); err != nil {
		return err
	}
	return c.finishRotation(ctx)
}

// finishRotation uploads the re-sealed notes with a manifest under the new
// generation, then retires the old ones (SPEC §3.1 L3): so rotations in a
// row never fill the bundle. Sync prunes once nothing uses them.
func (c *Core) finishRotation(ctx context.Context) error {
	if _, err := c.Sync(ctx); err != nil {
		return fmt.Errorf("rotate key: upload re-sealed notes: %w", err)
	}
	return nil
}

func (c *Core) rotateKey(ctx context.Context) error {
	c.keyMu.RLock()
	defer c.keyMu.RUnlock()
	c.mu.RLock()
	b, dk := c.bundle, c.derived
	c.mu.RUnlock()
	if b == nil {
		return ErrLocked
	}
	if dk == nil {
		return fmt.Errorf("rotate key: %w", ErrPasswordNeeded)
	}
	r, err := c.client()
	if err != nil {
		return err
	}
	for range rotateAttempts {
		nb, err := c.publishRotation(ctx, r, dk, b)
		if isCode(err, protocol.CodeConflict) {
			c.mu.RLock()
			b = c.bundle
			c.mu.RUnlock()
			if b == nil { // locked meanwhile (Lock never waits for a rotation)
				return ErrLocked
			}
			c.log.Info("another device rotated the account key at the same time; rotating from its key", "gen", b.Current().Gen)
			continue
		}
		if err != nil {
			return err
		}
		c.log.Info("rotated account key", "gen", nb.Current().Gen)
		return c.resumeRotation(ctx)
	}
	// Leave this device on the newest key: notes written from now on are
	// sealed under the generation the others use.
	if keys, err := r.Keys(ctx); err == nil {
		if newest := b.Follow(successorsOf(keys)); newest.Current().Gen > b.Current().Gen {
			if err := c.adoptBundle(ctx, keys, newest); err != nil {
				return fmt.Errorf("rotate key: %w", err)
			}
		}
	}
	return fmt.Errorf("rotate key: %w", ErrKeyChanged)
}

// publishRotation rotates from the newest generation it can reach from b
// (adopting it first) and publishes the result with a compare-and-swap on
// that generation (SPEC §7.2). Only after the server accepted it is the new
// bundle adopted, so a conflict leaves no note under a key nobody else has.
func (c *Core) publishRotation(ctx context.Context, r Remote, dk *cryptobox.DerivedKeys, b cryptobox.Bundle) (cryptobox.Bundle, error) {
	// Rotate from the newest generation: rotating from one this device
	// holds while another device already rotated past it would be refused.
	keys, err := r.Keys(ctx)
	if err != nil {
		return nil, classify("rotate key", err)
	}
	if newest := b.Follow(successorsOf(keys)); newest.Current().Gen > b.Current().Gen {
		if err := c.adoptBundle(ctx, keys, newest); err != nil {
			return nil, fmt.Errorf("rotate key: %w", err)
		}
		b = newest
	}
	nb, err := b.Rotate()
	if err != nil {
		return nil, fmt.Errorf("rotate key: %w", err)
	}
	wk, err := cryptobox.WrapBundle(&dk.KEK, nb, cryptobox.PurposePassword)
	if err != nil {
		return nil, err
	}
	successor, err := cryptobox.WrapBundle(&b[0].Key, nb, cryptobox.PurposeRotation)
	if err != nil {
		return nil, err
	}
	err = r.PutKeys(ctx, protocol.KeysRequest{AuthKey: dk.Auth[:], WrappedKey: wk, Successor: successor,
		BaseGeneration: b.Current().Gen, Generation: nb.Current().Gen})
	if err != nil {
		nb.Wipe() // copies: b keeps its keys
		return nil, classify("rotate key", err)
	}
	if err := c.adoptBundle(ctx, &protocol.KeysResponse{WrappedKey: wk}, nb); err != nil {
		return nil, err
	}
	return nb, nil
}

// successorsOf returns the rotation successors of a keys answer, oldest
// first; from a server that keeps only the newest, that one.
func successorsOf(keys *protocol.KeysResponse) [][]byte {
	if len(keys.Successors) == 0 && len(keys.Successor) > 0 {
		return [][]byte{keys.Successor}
	}
	return keys.Successors
}

// SecureAccount is "sign out everywhere and rotate", the compromise remedy
// of SPEC §3.1 L4, and returns the new recovery key, to be shown once. It
// makes generation g+1 and publishes it WITHOUT a successor, wrapped only
// under the KEK of password and under a new recovery key, ending every
// other session in the same request; then it re-seals, uploads and retires
// the old generations. Afterwards no secret the server ever held (an old
// password's wrap, the old recovery key, any key up to g) opens anything
// written from then on; other devices sign in again with the password.
// To also change a password that may be known, call ChangePassword first.
func (c *Core) SecureAccount(ctx context.Context, password []byte) (string, error) {
	rk, err := c.remedy(ctx, password)
	if err != nil {
		return "", err
	}
	if err := c.finishRotation(ctx); err != nil {
		// The new key is published: the recovery key must be shown. The
		// re-seal resumes at the next sync.
		c.log.Warn("account secured; uploading re-sealed notes failed", "err", err)
	}
	return rk, nil
}

func (c *Core) remedy(ctx context.Context, password []byte) (string, error) {
	c.keyMu.RLock()
	defer c.keyMu.RUnlock()
	c.mu.RLock()
	locked := c.bundle == nil
	c.mu.RUnlock()
	if locked {
		return "", ErrLocked
	}
	dk, _, _, err := c.checkPassword(password)
	if err != nil {
		return "", fmt.Errorf("secure account: %w", err)
	}
	defer dk.Wipe()
	r, err := c.client()
	if err != nil {
		return "", err
	}
	for range rotateAttempts {
		rk, err := c.publishRemedy(ctx, r, dk)
		if isCode(err, protocol.CodeConflict) {
			continue // another device rotated: adopt its key, rotate from there
		}
		if isCode(err, protocol.CodeUnauthorized) {
			return "", fmt.Errorf("secure account: %w", ErrWrongPassword)
		}
		return rk, err
	}
	return "", fmt.Errorf("secure account: %w", ErrKeyChanged)
}

// publishRemedy rotates from the newest generation reachable and publishes
// g+1 with no successor, a new recovery key and every other session ended,
// in one request; only after the server accepted it does the device adopt
// the new bundle and its wraps.
func (c *Core) publishRemedy(ctx context.Context, r Remote, dk *cryptobox.DerivedKeys) (string, error) {
	keys, err := r.Keys(ctx)
	if err != nil {
		return "", classify("secure account", err)
	}
	c.mu.RLock()
	b := c.bundle
	c.mu.RUnlock()
	if newest := b.Follow(successorsOf(keys)); newest.Current().Gen > b.Current().Gen {
		if err := c.adoptBundle(ctx, keys, newest); err != nil {
			return "", fmt.Errorf("secure account: %w", err)
		}
		b = newest
	}
	nb, err := b.Rotate()
	if err != nil {
		return "", fmt.Errorf("secure account: %w", err)
	}
	rk, err := cryptobox.NewRecoveryKey()
	if err != nil {
		return "", err
	}
	defer rk.Wipe()
	wk, rwk, rauth, err := wrapAll(dk, &rk, nb)
	if err != nil {
		return "", fmt.Errorf("secure account: %w", err)
	}
	defer clear(rauth[:])
	err = r.PutKeys(ctx, protocol.KeysRequest{AuthKey: dk.Auth[:], WrappedKey: wk, RecoveryWrappedKey: rwk,
		RecoveryAuthKey: rauth[:], BaseGeneration: b.Current().Gen, Generation: nb.Current().Gen, RevokeSessions: true})
	if err != nil {
		nb.Wipe()
		return "", classify("secure account", err)
	}
	if err := c.storeKeys(ctx, nb, keyUpdate{wrappedKey: wk, recoveryWrappedKey: rwk}); err != nil {
		return "", fmt.Errorf("secure account: %w", err)
	}
	c.mu.Lock()
	c.bundle = nb
	c.mu.Unlock()
	c.log.Info("secured account: new key without successor, new recovery key, other devices signed out", "gen", nb.Current().Gen)
	if err := c.resumeRotation(ctx); err != nil {
		// Published: the recovery key must reach the user; the re-seal
		// resumes at the next sync.
		c.log.Warn("re-sealing after securing the account failed", "err", err)
	}
	return rk.String(), nil
}

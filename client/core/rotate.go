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
// devices open with the old key), then re-seals every note under it as
// pending writes. Any device unlocked with the password can do it: the
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

package core

import (
	"context"
	"fmt"

	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

// RotateKey makes a new account key, publishes it (and the successor other
// devices open with the old key), then re-seals every note under it as
// pending writes. Any device unlocked with the password can do it: the
// server keeps the recovery wrap, and a recovery walks the successors
// forward (SPEC §3). Resumable: the work left is the set of envelopes still
// under an older generation; the app stays usable meanwhile.
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
	// Rotate from the newest generation: rotating from one this device
	// holds while another device already rotated past it would fork the
	// chain of successors.
	keys, err := r.Keys(ctx)
	if err != nil {
		return classify("rotate key", err)
	}
	if newest := b.Follow(successorsOf(keys)); newest.Current().Gen > b.Current().Gen {
		if err := c.adoptBundle(ctx, keys, newest); err != nil {
			return fmt.Errorf("rotate key: %w", err)
		}
		b = newest
	}
	nb, err := b.Rotate()
	if err != nil {
		return fmt.Errorf("rotate key: %w", err)
	}
	wk, err := cryptobox.WrapBundle(&dk.KEK, nb, cryptobox.PurposePassword)
	if err != nil {
		return err
	}
	successor, err := cryptobox.WrapBundle(&b[0].Key, nb, cryptobox.PurposeRotation)
	if err != nil {
		return err
	}
	if err := r.PutKeys(ctx, protocol.KeysRequest{AuthKey: dk.Auth[:], WrappedKey: wk, Successor: successor}); err != nil {
		return classify("rotate key", err)
	}
	if err := c.adoptBundle(ctx, &protocol.KeysResponse{WrappedKey: wk}, nb); err != nil {
		return err
	}
	c.log.Info("rotated account key", "gen", nb.Current().Gen)
	return c.resumeRotation(ctx)
}

// successorsOf returns the rotation successors of a keys answer, oldest
// first; from a server that keeps only the newest, that one.
func successorsOf(keys *protocol.KeysResponse) [][]byte {
	if len(keys.Successors) == 0 && len(keys.Successor) > 0 {
		return [][]byte{keys.Successor}
	}
	return keys.Successors
}

package core

import (
	"context"
	"fmt"

	"cipherleaf.dev/client/manifest"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

// keyFloor returns the highest current key generation this device ever
// adopted (SPEC §3.1 L2).
func (c *Core) keyFloor(ctx context.Context) (uint32, error) {
	var floor uint32
	err := c.v.View(ctx, func(tx *vault.Tx) error {
		var err error
		floor, err = tx.KeyFloor()
		return err
	})
	return floor, err
}

// checkFloor refuses a bundle older than the key floor: a stale wrap, even
// one that opened with the right password (SPEC §3.1 L2).
func (c *Core) checkFloor(ctx context.Context, b cryptobox.Bundle) error {
	floor, err := c.keyFloor(ctx)
	if err != nil {
		return err
	}
	if b.Current().Gen < floor {
		c.log.Warn("refused an outdated key bundle", "gen", b.Current().Gen, "floor", floor)
		return ErrStaleKey
	}
	return nil
}

// adoptBundle installs a bundle another device rotated to (reached from the
// server's successors by the rules of SPEC §3.1 L2). The password wrap
// stored is one this device makes under its own KEK when it holds it, else
// the server's, which the key floor guards at the next password unlock.
// The wraps and the new floor are written in one transaction.
func (c *Core) adoptBundle(ctx context.Context, keys *protocol.KeysResponse, b cryptobox.Bundle) error {
	if err := c.checkFloor(ctx, b); err != nil {
		return err
	}
	c.mu.RLock()
	dk := c.derived
	c.mu.RUnlock()
	wk := keys.WrappedKey
	if dk != nil {
		own, err := cryptobox.WrapBundle(&dk.KEK, b, cryptobox.PurposePassword)
		if err != nil {
			return fmt.Errorf("adopt key: %w", err)
		}
		wk = own
	}
	if err := c.storeKeys(ctx, b, keyUpdate{wrappedKey: wk}); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bundle == nil { // locked meanwhile (Lock never waits): the keys stay dropped
		b.Wipe()
		return ErrLocked
	}
	c.bundle = b
	return nil
}

// keyUpdate is what storeKeys writes besides the floor and device wrap.
type keyUpdate struct {
	wrappedKey         []byte // nil: keep
	recoveryWrappedKey []byte // nil: keep
}

// storeKeys writes, in one transaction, the wraps of b this device keeps:
// the password wrap and recovery wrap given, a fresh device wrap when the
// device is remembered, the key floor b's generation and, with a new
// recovery wrap, the generation it was made at (SPEC §8).
func (c *Core) storeKeys(ctx context.Context, b cryptobox.Bundle, u keyUpdate) error {
	var dw []byte
	if c.DeviceRemembered() {
		if dkey, err := c.deviceKey(false); err == nil {
			dw, _ = cryptobox.WrapBundle(dkey, b, cryptobox.PurposeDevice)
			clear(dkey[:])
		}
	}
	gen := b.Current().Gen
	return c.v.Update(ctx, func(tx *vault.Tx) error {
		a, err := tx.Account()
		if err != nil {
			return err
		}
		if u.wrappedKey != nil {
			a.WrappedKey = u.wrappedKey
		}
		if u.recoveryWrappedKey != nil {
			a.RecoveryWrappedKey = u.recoveryWrappedKey
			if err := tx.SetRecoveryGen(gen); err != nil {
				return err
			}
		}
		if dw != nil {
			a.DeviceWrappedKey = dw
		}
		if err := tx.PutAccount(a); err != nil {
			return err
		}
		if err := tx.SetKeyFloor(gen); err != nil {
			return err
		}
		tx.AfterCommit(func() {
			c.mu.Lock()
			c.acct = &a
			c.mu.Unlock()
		})
		return nil
	})
}

// maybePrune drops every retired generation from the bundle once nothing
// this device holds uses one: no live note under an older generation,
// nothing pending, and the last verified manifest sealed under the current
// generation (SPEC §3.1 L3). It re-wraps the device wrap and, when unlocked
// with the password, the vault's password wrap. The server's password wrap
// keeps the retired keys, so a device signing in again can still open (and
// re-seal) what it wrote under them before it prunes in turn. The caller
// holds keyMu for reading.
func (c *Core) maybePrune(ctx context.Context) error {
	c.mu.RLock()
	b, dk := c.bundle, c.derived
	c.mu.RUnlock()
	if len(b) < 2 {
		return nil
	}
	gen := b.Current().Gen
	ready := false
	err := c.v.View(ctx, func(tx *vault.Tx) error {
		old, err := tx.OldGeneration(gen, 1)
		if err != nil || len(old) > 0 {
			return err
		}
		if n, err := tx.PendingCount(); err != nil || n > 0 {
			return err
		}
		blob, err := tx.ManifestMemory()
		if err != nil {
			return err
		}
		var mem manifest.Memory
		if blob != nil {
			if err := mem.UnmarshalBinary(blob); err != nil {
				return err
			}
		}
		ready = mem.HighestVersion == 0 || mem.HighestGen == gen
		return nil
	})
	if err != nil || !ready {
		return err
	}
	pb := b.Prune()
	var wk []byte // the password wrap kept in the vault; the server's is left as it is
	if dk != nil {
		if wk, err = cryptobox.WrapBundle(&dk.KEK, pb, cryptobox.PurposePassword); err != nil {
			return err
		}
	}
	if err := c.storeKeys(ctx, pb, keyUpdate{wrappedKey: wk}); err != nil {
		return err
	}
	c.mu.Lock()
	if len(c.bundle) > 0 && c.bundle.Current().Gen == gen {
		// The old slice is not wiped: a sync may still read it; it goes
		// with the garbage collector.
		c.bundle = pb
	}
	c.mu.Unlock()
	c.log.Info("retired old account key generations", "gen", gen, "dropped", len(b)-1)
	return nil
}

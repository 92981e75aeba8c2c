package core

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"cipherleaf.dev/client/keystore"
	"cipherleaf.dev/client/syncer"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
)

const keyringService = "cipherleaf"

// Unlock derives the KEK from password and opens the vault's notes.
func (c *Core) Unlock(password []byte) error {
	c.mu.RLock()
	a := c.acct
	c.mu.RUnlock()
	if a == nil {
		return ErrNoAccount
	}
	dk, err := c.derive(password, a.KDF)
	if err != nil {
		return fmt.Errorf("unlock: %w", err)
	}
	b, err := cryptobox.UnwrapBundle(&dk.KEK, a.WrappedKey, cryptobox.PurposePassword)
	if err != nil {
		dk.Wipe()
		if errors.Is(err, cryptobox.ErrOpen) {
			return ErrWrongPassword
		}
		return fmt.Errorf("unlock: %w", err)
	}
	if err := c.open(context.Background(), *a, b, dk); err != nil {
		dk.Wipe()
		b.Wipe()
		return err
	}
	return nil
}

// UnlockWithDevice opens the vault with the device key in the OS keyring.
func (c *Core) UnlockWithDevice() error {
	c.mu.RLock()
	a := c.acct
	c.mu.RUnlock()
	if a == nil {
		return ErrNoAccount
	}
	if a.DeviceWrappedKey == nil {
		return ErrNoDeviceKey
	}
	dkey, err := c.deviceKey(false)
	if err != nil {
		return err
	}
	defer clear(dkey[:])
	b, err := cryptobox.UnwrapBundle(dkey, a.DeviceWrappedKey, cryptobox.PurposeDevice)
	if err != nil {
		return fmt.Errorf("unlock with device key: %w", ErrNoDeviceKey)
	}
	return c.open(context.Background(), *a, b, nil)
}

// deviceKey reads (or, with create, makes) this profile's keyring key.
func (c *Core) deviceKey(create bool) (*[cryptobox.KeySize]byte, error) {
	user, err := c.keyringUser()
	if err != nil {
		return nil, err
	}
	var k [cryptobox.KeySize]byte
	s, err := c.cfg.Keyring.Get(keyringService, user)
	switch {
	case err == nil:
		raw, derr := base64.StdEncoding.DecodeString(s)
		if derr != nil || len(raw) != cryptobox.KeySize {
			return nil, ErrNoDeviceKey
		}
		copy(k[:], raw)
		clear(raw)
		return &k, nil
	case errors.Is(err, keystore.ErrNotFound) && create:
		if _, err := randRead(k[:]); err != nil {
			return nil, err
		}
		if err := c.cfg.Keyring.Set(keyringService, user, base64.StdEncoding.EncodeToString(k[:])); err != nil {
			return nil, fmt.Errorf("store device key: %w", err)
		}
		return &k, nil
	case errors.Is(err, keystore.ErrNotFound):
		return nil, ErrNoDeviceKey
	default:
		return nil, fmt.Errorf("read device key: %w", err)
	}
}

func (c *Core) keyringUser() (string, error) {
	id, err := c.v.ProfileID(context.Background())
	if err != nil {
		return "", err
	}
	return "device:" + id, nil
}

// RememberDevice stores (on) or forgets (off) a device key so the vault can
// be unlocked without the password. The password is never stored.
func (c *Core) RememberDevice(on bool) error {
	ctx := context.Background()
	if !on {
		user, err := c.keyringUser()
		if err != nil {
			return err
		}
		if err := c.cfg.Keyring.Delete(keyringService, user); err != nil {
			return fmt.Errorf("forget device: %w", err)
		}
		return c.updateAccount(ctx, func(a *accountRow) error { a.DeviceWrappedKey = nil; return nil })
	}
	c.keyMu.RLock()
	defer c.keyMu.RUnlock()
	c.mu.RLock()
	b := c.bundle
	c.mu.RUnlock()
	if b == nil {
		return ErrLocked
	}
	dkey, err := c.deviceKey(true)
	if err != nil {
		return err
	}
	defer clear(dkey[:])
	w, err := cryptobox.WrapBundle(dkey, b, cryptobox.PurposeDevice)
	if err != nil {
		return fmt.Errorf("remember device: %w", err)
	}
	return c.updateAccount(ctx, func(a *accountRow) error { a.DeviceWrappedKey = w; return nil })
}

// DeviceRemembered reports whether a device key unlocks this profile.
func (c *Core) DeviceRemembered() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.acct != nil && c.acct.DeviceWrappedKey != nil
}

// updateAccount changes the stored account row and the in-memory copy.
func (c *Core) updateAccount(ctx context.Context, fn func(a *accountRow) error) error {
	return c.v.Update(ctx, func(tx *vault.Tx) error {
		a, err := tx.Account()
		if err != nil {
			return err
		}
		if err := fn(&a); err != nil {
			return err
		}
		if err := tx.PutAccount(a); err != nil {
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

// Lock drops every decrypted note and key from memory. Running syncs are
// cancelled; their committed work stays. It never waits for them: a key a
// running sync still uses is wiped when that sync lets go (keyGuard).
func (c *Core) Lock() {
	c.EndTyping("") // locking is an explicit save (SPEC §12.4)
	c.cancelSyncs()
	if c.dropKeys() {
		c.events.publish(Event{Kind: EventLocked, Status: c.Status()})
	}
}

// cancelSyncs cancels every running sync.
func (c *Core) cancelSyncs() {
	c.mu.Lock()
	for _, cancel := range c.cancels {
		cancel()
	}
	c.mu.Unlock()
}

// dropKeys takes the keys and decrypted notes out of the Core and has the
// keys wiped as soon as no one uses them. It reports whether they were open.
func (c *Core) dropKeys() bool {
	c.mu.Lock()
	b, dk := c.bundle, c.derived
	c.bundle, c.derived, c.engine = nil, nil, nil
	c.notes = map[string]*entry{}
	c.index.Clear()
	c.mu.Unlock()
	c.stopWatch()
	c.keyMu.wipe(func() {
		if b != nil {
			b.Wipe()
		}
		if dk != nil {
			dk.Wipe()
		}
	})
	return b != nil
}

// open installs the bundle, decrypts every note into memory and prepares
// the sync engine.
func (c *Core) open(ctx context.Context, a accountRow, b cryptobox.Bundle, dk *cryptobox.DerivedKeys) error {
	// A wrap older than the newest key this device adopted is stale: a
	// device never goes back to an older generation (SPEC §3.1 L2).
	if err := c.checkFloor(ctx, b); err != nil {
		return fmt.Errorf("unlock: %w", err)
	}
	if err := c.v.Update(ctx, func(tx *vault.Tx) error { return tx.SetKeyFloor(b.Current().Gen) }); err != nil {
		return fmt.Errorf("unlock: %w", err)
	}
	cd := syncer.Codec{UserID: a.UserID, Bundle: func() cryptobox.Bundle { return b }}
	notes := map[string]*entry{}
	var rows []vault.Note
	// The watcher's baseline, read before the rows (watch.go).
	ver, err := c.v.DataVersion(ctx)
	if err != nil {
		return fmt.Errorf("unlock: %w", err)
	}
	err = c.v.View(ctx, func(tx *vault.Tx) error {
		return tx.Notes(func(n vault.Note) error { rows = append(rows, n); return nil })
	})
	if err != nil {
		return fmt.Errorf("unlock: %w", err)
	}
	decoded := make([]*note.Note, len(rows))
	errs := make([]error, len(rows))
	workers := min(runtime.GOMAXPROCS(0), (len(rows)+127)/128)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(rows); i += workers {
				decoded[i], errs[i] = cd.Open(rows[i].ID, rows[i].Rev, rows[i].Envelope)
			}
		}()
	}
	wg.Wait()
	for i, r := range rows {
		if errs[i] != nil {
			// Kept untouched in the vault; not shown (newer format, or a
			// generation learnt at the next sync).
			c.log.Warn("note not opened", "note", r.ID, "err", errs[i])
			continue
		}
		notes[r.ID] = &entry{n: decoded[i], pending: r.Op != vault.OpNone}
	}
	c.mu.Lock()
	if old := c.bundle; old != nil && &old[0] != &b[0] {
		c.keyMu.wipe(old.Wipe)
	}
	c.index.Clear()
	for id, e := range notes {
		c.index.Put(doc(id, e.n))
	}
	if old := c.derived; old != nil && old != dk {
		c.keyMu.wipe(old.Wipe)
	}
	c.bundle, c.derived, c.notes = b, dk, notes
	c.acct = &a
	c.engine = nil
	c.mu.Unlock()
	c.startWatch(rows, ver) // other processes' commits from here on (watch.go)
	c.events.publish(Event{Kind: EventNotesChanged, Status: c.Status()})
	return nil
}

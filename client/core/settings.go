package core

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/note"
)

// ErrTrashDays means a trash retention outside 1-note.MaxTrashDays days.
var ErrTrashDays = errors.New("trash retention must be 1 to 3650 days")

// effectiveSettings returns the account's settings item (SPEC §12.5): the
// live settings item with the latest modified, and among equal times the
// smallest id; nil when there is none. Callers hold c.mu.
func effectiveSettings(notes map[string]*entry) (string, *note.Note) {
	var bestID string
	var best *note.Note
	for id, e := range notes {
		if !e.n.IsSettings() {
			continue
		}
		if best == nil {
			bestID, best = id, e.n
			continue
		}
		if c := e.n.Modified.Compare(best.Modified); c > 0 || (c == 0 && strings.Compare(id, bestID) < 0) {
			bestID, best = id, e.n
		}
	}
	return bestID, best
}

// TrashDays returns the account's trash retention in days (SPEC §12.3,
// §12.5): the effective settings item's trash_days, 30 when unset.
func (c *Core) TrashDays() (int, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.bundle == nil {
		return 0, ErrLocked
	}
	_, s := effectiveSettings(c.notes)
	return s.TrashDaysOr(), nil
}

// SetTrashDays sets the account's trash retention in days: it is written
// into every settings item this device holds, or a new one (SPEC §12.5),
// and reaches the other devices with the next sync.
func (c *Core) SetTrashDays(days int) error {
	if days < 1 || days > note.MaxTrashDays {
		return fmt.Errorf("set trash retention %d: %w", days, ErrTrashDays)
	}
	if err := c.writeSettings(func(n *note.Note) { n.TrashDays = days }); err != nil {
		return fmt.Errorf("set trash retention: %w", err)
	}
	return nil
}

// writeSettings applies set to every live settings item, or to a new one,
// in one transaction (SPEC §12.5, writing a setting).
func (c *Core) writeSettings(set func(n *note.Note)) error {
	now := c.cfg.Now().UTC()
	writes := map[string]*note.Note{}
	c.mu.RLock()
	if c.bundle == nil {
		c.mu.RUnlock()
		return ErrLocked
	}
	for id, e := range c.notes {
		if e.n.IsSettings() {
			n := cloneNote(e.n)
			set(n)
			n.Modified = now
			if e.n.Modified.After(now) {
				n.Modified = e.n.Modified // never earlier than the item's own time
			}
			writes[id] = n
		}
	}
	c.mu.RUnlock()
	if len(writes) == 0 {
		id, err := vault.NewID()
		if err != nil {
			return err
		}
		n := &note.Note{Kind: note.KindSettings, Created: now, Modified: now}
		set(n)
		writes[id] = n
	}
	return c.writeAll(writes)
}

// migrateTrashDays moves a device-local retention left by an earlier
// version into the account's settings, once (SPEC §12.5, migration): it is
// written only when the device holds no settings item, and the local value
// is dropped either way. Run at the end of a sync, after the pull.
func (c *Core) migrateTrashDays() error {
	var days int
	var ok bool
	err := c.v.View(context.Background(), func(tx *vault.Tx) (err error) {
		days, ok, err = tx.LegacyTrashDays()
		return err
	})
	if err != nil || !ok {
		return err
	}
	c.mu.RLock()
	locked := c.bundle == nil
	_, s := effectiveSettings(c.notes)
	c.mu.RUnlock()
	if locked {
		return nil // locked during the sync: the next sync migrates
	}
	if s == nil && days >= 1 && days <= note.MaxTrashDays {
		if err := c.SetTrashDays(days); errors.Is(err, ErrLocked) {
			return nil // locked meanwhile: the next sync migrates
		} else if err != nil {
			return fmt.Errorf("migrate trash retention: %w", err)
		}
	}
	if err := c.v.Update(context.Background(), func(tx *vault.Tx) error { return tx.DropLegacyTrashDays() }); err != nil {
		return fmt.Errorf("migrate trash retention: %w", err)
	}
	return nil
}

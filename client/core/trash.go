package core

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// TrashInfo is one note in the trash.
type TrashInfo struct {
	ID      string
	Title   string
	Trashed time.Time // when it was moved to the trash
}

// Trash moves a note to the trash on every device (SPEC §12.3): it is
// rewritten with trashed_at set, so it syncs like any edit.
func (c *Core) Trash(id string) error {
	n, err := c.Get(id)
	if err != nil {
		return fmt.Errorf("trash note: %w", err)
	}
	if !n.IsNote() {
		return fmt.Errorf("trash note %s: %w", id, ErrNotFound)
	}
	if n.Trashed() {
		return nil
	}
	n.TrashedAt = c.cfg.Now().UTC()
	return c.Update(id, n)
}

// Untrash takes a note out of the trash.
func (c *Core) Untrash(id string) error {
	n, err := c.Get(id)
	if err != nil {
		return fmt.Errorf("untrash note: %w", err)
	}
	if !n.IsNote() || !n.Trashed() {
		return fmt.Errorf("untrash note %s: %w", id, ErrNotFound)
	}
	n.TrashedAt = time.Time{}
	return c.Update(id, n)
}

// TrashList returns the notes in the trash, most recently trashed first.
func (c *Core) TrashList() []TrashInfo {
	c.mu.RLock()
	var out []TrashInfo
	for id, e := range c.notes {
		if e.n.IsNote() && e.n.Trashed() {
			out = append(out, TrashInfo{ID: id, Title: e.n.Title, Trashed: e.n.TrashedAt})
		}
	}
	c.mu.RUnlock()
	slices.SortFunc(out, func(a, b TrashInfo) int {
		if c := b.Trashed.Compare(a.Trashed); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// EmptyTrash deletes every note in the trash for good.
func (c *Core) EmptyTrash() error {
	for _, t := range c.TrashList() {
		if err := c.Delete(t.ID); err != nil {
			return fmt.Errorf("empty trash: %w", err)
		}
	}
	return nil
}

// purgeTrash deletes for good the notes trashed longer ago than the
// retention; the deletions are pushed by the next sync.
func (c *Core) purgeTrash() error {
	days, err := c.TrashDays()
	if errors.Is(err, ErrLocked) {
		return nil // locked during the sync: nothing in memory to purge
	}
	if err != nil {
		return fmt.Errorf("purge trash: %w", err)
	}
	cutoff := c.cfg.Now().Add(-time.Duration(days) * 24 * time.Hour)
	for _, t := range c.TrashList() {
		if t.Trashed.Before(cutoff) {
			if err := c.Delete(t.ID); err != nil {
				return fmt.Errorf("purge trash: %w", err)
			}
		}
	}
	return nil
}

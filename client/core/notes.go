package core

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"cipherleaf.dev/client/search"
	"cipherleaf.dev/client/syncer"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// entry is one decrypted note in memory.
type entry struct {
	n       *note.Note
	pending bool
}

func (c *Core) info(id string, e *entry) NoteInfo {
	snippet, _, _ := strings.Cut(strings.TrimSpace(e.n.Body), "\n")
	if len(snippet) > 200 {
		snippet = strings.ToValidUTF8(snippet[:200], "")
	}
	return NoteInfo{ID: id, Title: e.n.Title, Snippet: snippet, Tags: slices.Clone(e.n.Tags),
		Modified: e.n.Modified, Pending: e.pending, Conflict: e.n.ConflictOf != ""}
}

func sortInfos(out []NoteInfo) {
	slices.SortFunc(out, func(a, b NoteInfo) int {
		if c := b.Modified.Compare(a.Modified); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// listed reports whether e shows in List and Search: a note, not in the
// trash (notebook items and trashed notes have their own views, SPEC §12).
func listed(e *entry) bool { return e.n.IsNote() && !e.n.Trashed() }

// List returns every note not in the trash, newest modified first (empty when locked).
func (c *Core) List() []NoteInfo {
	c.mu.RLock()
	out := make([]NoteInfo, 0, len(c.notes))
	for id, e := range c.notes {
		if listed(e) {
			out = append(out, c.info(id, e))
		}
	}
	c.fillPlaces(out)
	c.mu.RUnlock()
	sortInfos(out)
	return out
}

// Conflicts returns the conflicted copies waiting to be resolved.
func (c *Core) Conflicts() []NoteInfo {
	var out []NoteInfo
	for _, ni := range c.List() {
		if ni.Conflict {
			out = append(out, ni)
		}
	}
	return out
}

func cloneNote(n *note.Note) *note.Note {
	cp := *n
	cp.Tags = slices.Clone(n.Tags)
	return &cp
}

// Get returns a copy of a decrypted note.
func (c *Core) Get(id string) (*note.Note, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.bundle == nil {
		return nil, ErrLocked
	}
	e, ok := c.notes[id]
	if !ok {
		return nil, fmt.Errorf("get note %s: %w", id, ErrNotFound)
	}
	return cloneNote(e.n), nil
}

// Create stores a new note (vault first, queued for sync) and returns its id.
func (c *Core) Create(n *note.Note) (string, error) {
	id, err := vault.NewID()
	if err != nil {
		return "", err
	}
	n = cloneNote(n)
	now := c.cfg.Now().UTC()
	if n.Created.IsZero() {
		n.Created = now
	}
	if n.Modified.IsZero() {
		n.Modified = now
	}
	if err := c.write(id, n); err != nil {
		return "", fmt.Errorf("create note: %w", err)
	}
	return id, nil
}

// Update replaces a note's content. It is an explicit save: it ends the
// note's typing session (see Autosave), so the next sync pushes it.
func (c *Core) Update(id string, n *note.Note) error {
	if err := c.update(id, n); err != nil {
		return err
	}
	c.EndTyping(id)
	return nil
}

func (c *Core) update(id string, n *note.Note) error {
	c.mu.RLock()
	old, ok := c.notes[id]
	c.mu.RUnlock()
	if !ok {
		if c.Locked() {
			return ErrLocked
		}
		return fmt.Errorf("update note %s: %w", id, ErrNotFound)
	}
	n = cloneNote(n)
	if n.Created.IsZero() {
		n.Created = old.n.Created
	}
	n.Modified = c.cfg.Now().UTC()
	if err := c.write(id, n); err != nil {
		return fmt.Errorf("update note: %w", err)
	}
	return nil
}

// Delete removes a note (queued for sync). Its attachments are released
// on the server at the sync after the delete is pushed (SPEC §11), unless
// another note still holds them by then.
func (c *Core) Delete(id string) error {
	c.mu.RLock()
	e, ok := c.notes[id]
	var atts []note.Attachment
	if ok {
		atts = e.n.Attachments
	}
	c.mu.RUnlock()
	if !ok {
		if c.Locked() {
			return ErrLocked
		}
		return fmt.Errorf("delete note %s: %w", id, ErrNotFound)
	}
	if err := c.write(id, nil); err != nil {
		return fmt.Errorf("delete note: %w", err)
	}
	c.EndTyping(id)
	if len(atts) > 0 {
		st, err := c.attachments()
		if err != nil {
			return fmt.Errorf("delete note: release its attachments: %w", err)
		}
		for _, a := range atts {
			if err := st.MarkRelease(a.ID); err != nil {
				return fmt.Errorf("delete note: release its attachments: %w", err)
			}
		}
	}
	return nil
}

// ResolveConflict writes merged into the original note and deletes the copy.
func (c *Core) ResolveConflict(copyID string, merged *note.Note) error {
	cp, err := c.Get(copyID)
	if err != nil {
		return err
	}
	if cp.ConflictOf == "" {
		return ErrNotConflict
	}
	merged = cloneNote(merged)
	merged.ConflictOf = ""
	c.mu.RLock()
	_, origExists := c.notes[cp.ConflictOf]
	c.mu.RUnlock()
	if origExists {
		if err := c.Update(cp.ConflictOf, merged); err != nil {
			return err
		}
	} else if err := c.write(cp.ConflictOf, merged); err != nil {
		return fmt.Errorf("resolve conflict: %w", err)
	}
	return c.Delete(copyID)
}

// write seals n (nil = delete) into the vault and the pending queue in one
// transaction, then updates memory and pokes auto-sync.
func (c *Core) write(id string, n *note.Note) error {
	return c.writeAll(map[string]*note.Note{id: n})
}

// writeAll is write for several items in one transaction (nil = delete):
// every item is staged, or none is; memory is updated once, after commit.
func (c *Core) writeAll(items map[string]*note.Note) error {
	return c.writePlanned(func(*vault.Tx, syncer.Codec) (map[string]*note.Note, error) { return items, nil })
}

// writePlanned is writeAll for items that plan chooses inside the
// transaction, from the rows as they are (saveFrom merges with them).
func (c *Core) writePlanned(plan func(tx *vault.Tx, cd syncer.Codec) (map[string]*note.Note, error)) error {
	c.keyMu.RLock()
	defer c.keyMu.RUnlock()
	c.mu.RLock()
	locked, a := c.bundle == nil, c.acct
	c.mu.RUnlock()
	if locked {
		return ErrLocked
	}
	cd := c.codec(a.UserID)
	dev := deviceLabel(c.cfg.DeviceName)
	err := c.v.Update(context.Background(), func(tx *vault.Tx) error {
		items, err := plan(tx, cd)
		if err != nil {
			return err
		}
		total := 0
		for id, n := range items {
			if n != nil {
				n.Device = dev // each revision names its writer (SPEC §12.4)
			}
			delta, err := syncer.StageLocal(tx, cd, id, n)
			if err != nil {
				return err
			}
			total += delta
		}
		tx.AfterCommit(func() {
			c.mu.Lock()
			for id, n := range items {
				if n == nil {
					delete(c.notes, id)
					c.index.Delete(id)
				} else {
					c.notes[id] = &entry{n: n, pending: true}
					c.index.Put(doc(id, n))
				}
			}
			c.status.Pending += total
			c.mu.Unlock()
		})
		return nil
	})
	if err != nil {
		return err
	}
	c.events.publish(Event{Kind: EventNotesChanged, Status: c.Status()})
	select {
	case c.kick <- struct{}{}:
	default:
	}
	return nil
}

// Search returns the notes matching query, best first (see package search
// for the syntax).
func (c *Core) Search(query string) []NoteInfo {
	ids := c.index.Query(query, 0)
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]NoteInfo, 0, len(ids))
	for _, id := range ids {
		if e, ok := c.notes[id]; ok && listed(e) {
			out = append(out, c.info(id, e))
		}
	}
	c.fillPlaces(out)
	return out
}

// deviceLabel is name cut to protocol.MaxDeviceName bytes of UTF-8.
func deviceLabel(name string) string {
	if len(name) <= protocol.MaxDeviceName {
		return name
	}
	return strings.ToValidUTF8(name[:protocol.MaxDeviceName], "")
}

func doc(id string, n *note.Note) search.Doc {
	return search.Doc{ID: id, Title: n.Title, Body: n.Body, Tags: n.Tags, Modified: n.Modified}
}

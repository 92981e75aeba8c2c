package core

import (
	"errors"
	"fmt"
	"time"

	"cipherleaf.dev/client/merge"
	"cipherleaf.dev/client/syncer"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/note"
)

// Another process on the profile (cipherleaf-cli beside the app), or a
// pull, may change a note while the app's editor holds typing not yet
// saved. The editor's text was made from the note as it loaded or last
// saved it (its base); a save that simply wrote the editor's text would
// undo the other change. So an editor saves with its base: the save reads
// the note's row inside its vault transaction and, when the row no longer
// holds base, merges the three as a pull does (package merge: base, ours =
// the edit, theirs = the row). A clean merge is stored; overlapping edits
// keep both, as a pull's conflict does (SPEC §10): the row stays as the
// other writer left it and the edit becomes a conflicted copy. No text is
// lost either way.

// Saved is what a save from a base stored.
type Saved struct {
	// ID is the note the edit now lives in: the one saved, or a new
	// conflicted copy of it when the edits overlapped.
	ID string
	// Note is ID as stored: the editor's next base.
	Note *note.Note
	// Merged reports that another change made since base is in Note too:
	// Note is not the edit as given.
	Merged bool
	// Conflict reports that the edit went to the conflicted copy ID.
	Conflict bool
}

// AutosaveFrom is Autosave for an edit made from base, the note as the
// editor loaded it or as its last save returned it (nil: written as is).
// A change made to the note since base, by another process or a pull, is
// merged with the edit; see Saved.
func (c *Core) AutosaveFrom(id string, base, edit *note.Note) (Saved, error) {
	s, err := c.saveFrom(id, base, edit)
	if err != nil {
		return Saved{}, err
	}
	c.typing.mu.Lock()
	if c.typing.start == nil {
		c.typing.start = map[string]time.Time{}
	}
	if _, ok := c.typing.start[s.ID]; !ok {
		c.typing.start[s.ID] = c.cfg.Now()
	}
	c.typing.mu.Unlock()
	return s, nil
}

// UpdateFrom is Update for an edit made from base (see AutosaveFrom).
func (c *Core) UpdateFrom(id string, base, edit *note.Note) (Saved, error) {
	s, err := c.saveFrom(id, base, edit)
	if err != nil {
		return Saved{}, err
	}
	c.EndTyping(s.ID)
	return s, nil
}

func (c *Core) saveFrom(id string, base, edit *note.Note) (Saved, error) {
	if c.Locked() {
		return Saved{}, ErrLocked
	}
	now := c.cfg.Now().UTC()
	var s Saved
	err := c.writePlanned(func(tx *vault.Tx, cd syncer.Codec) (map[string]*note.Note, error) {
		s = Saved{ID: id}
		ours := cloneNote(edit)
		ours.Modified = now
		theirs, err := liveNote(tx, cd, id)
		if err != nil {
			return nil, err
		}
		switch {
		case theirs == nil:
			// Deleted meanwhile: the edit wins over a delete, as in a
			// pull (SPEC §10), and brings the note back.
		case base == nil || sameNote(theirs, base):
			if ours.Created.IsZero() {
				ours.Created = theirs.Created
			}
		default:
			if merged, ok := merge.Note(base, ours, theirs); ok {
				merged.Modified = now
				ours, s.Merged = merged, true
				break
			}
			// Overlapping edits: the row stays as the other writer left
			// it; the edit becomes a conflicted copy.
			copyID, err := vault.NewID()
			if err != nil {
				return nil, err
			}
			ours.ConflictOf = id
			s.ID, s.Conflict = copyID, true
		}
		if ours.Created.IsZero() {
			ours.Created = now
		}
		s.Note = ours
		return map[string]*note.Note{s.ID: ours}, nil
	})
	if err != nil {
		return Saved{}, fmt.Errorf("save note: %w", err)
	}
	if s.Conflict {
		c.log.Info("kept a conflicted copy of an edit", "note", id, "copy", s.ID)
	}
	s.Note = cloneNote(s.Note) // memory holds the stored one
	return s, nil
}

// liveNote opens note id's row inside tx; nil when it is deleted or gone.
func liveNote(tx *vault.Tx, cd syncer.Codec, id string) (*note.Note, error) {
	row, err := tx.Note(id)
	if errors.Is(err, vault.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if row.Deleted || row.Envelope == nil {
		return nil, nil
	}
	n, err := cd.Open(id, row.Rev, row.Envelope)
	if err != nil {
		return nil, fmt.Errorf("open note %s: %w", id, err)
	}
	return n, nil
}

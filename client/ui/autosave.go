package ui

import (
	"sync"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/note"
)

// defaultAutosaveDelay is the pause in typing after which an edit is saved.
const defaultAutosaveDelay = 700 * time.Millisecond

// timer is the part of *time.Timer the models use; tests substitute their own.
type timer interface{ Stop() bool }

// afterFunc starts f after d, like time.AfterFunc.
type afterFunc func(d time.Duration, f func()) timer

func realAfterFunc(d time.Duration, f func()) timer { return time.AfterFunc(d, f) }

// saveFunc stores edit n of note id, made from base (nil: unknown), and
// says what was stored (core.AutosaveFrom).
type saveFunc func(id string, base, n *note.Note) (core.Saved, error)

// autosaver debounces edits: each change restarts the delay, and when typing
// pauses the latest version is saved on the timer's goroutine, never on the
// UI thread. Saves run one at a time, in order.
//
// It also keeps the edit's base: the note as stored that the editor's text
// was made from. A save sends it, so that a change another process (or a
// pull) made meanwhile is merged, not overwritten (core.AutosaveFrom).
// After a save the base is the note as stored; after a merge it stays the
// version sent until the editor shows the merge (Rebase), since the text
// typed meanwhile was made from the version sent.
type autosaver struct {
	delay  time.Duration
	after  afterFunc
	save   saveFunc
	result func(id string, sent *note.Note, s core.Saved, err error) // after each save, from any goroutine

	mu      sync.Mutex
	t       timer
	id      string
	base    *note.Note // what id's text was made from; nil: unknown
	from    string     // the note a conflicted save moved id away from
	pending *note.Note
	flying  bool       // a save is running
	saving  sync.Mutex // held while save runs, so saves never overlap
}

func newAutosaver(delay time.Duration, after afterFunc, save saveFunc, result func(string, *note.Note, core.Saved, error)) *autosaver {
	if after == nil {
		after = realAfterFunc
	}
	if delay <= 0 {
		delay = defaultAutosaveDelay
	}
	return &autosaver{delay: delay, after: after, save: save, result: result}
}

// Open says that the editor now shows note id as base (loaded, or
// reloaded while nothing was pending). A pending edit of another note is
// saved first.
func (s *autosaver) Open(id string, base *note.Note) {
	s.mu.Lock()
	if s.pending != nil && s.id != id {
		s.mu.Unlock()
		s.Flush()
		s.mu.Lock()
	}
	s.id, s.base, s.from = id, base, ""
	s.mu.Unlock()
}

// Move sends the edits of note from, pending or to come, to note to, whose
// stored version is base: the editor followed its text into a conflicted
// copy.
func (s *autosaver) Move(from, to string, base *note.Note) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.id == from {
		s.id, s.base = to, base
	}
	s.from = from
}

// Changed records the latest version of note id and restarts the delay. An
// edit of another note first saves the pending one.
func (s *autosaver) Changed(id string, n *note.Note) {
	s.mu.Lock()
	if s.from != "" && id == s.from {
		id = s.id // a save moved the note's text into a conflicted copy
	}
	if s.pending != nil && s.id != id {
		s.mu.Unlock()
		s.Flush()
		s.mu.Lock()
	}
	if s.id != id {
		s.id, s.base, s.from = id, nil, ""
	}
	s.pending = n
	s.restart()
	s.mu.Unlock()
}

// restart (re)starts the delay; s.mu is held.
func (s *autosaver) restart() {
	if s.t != nil {
		s.t.Stop()
	}
	s.t = s.after(s.delay, func() { _ = s.Flush() })
}

// Pending reports whether an edit is waiting for its save.
func (s *autosaver) Pending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending != nil
}

// Busy reports whether an edit is waiting for its save or being saved.
func (s *autosaver) Busy() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending != nil || s.flying
}

// Flush saves the pending edit now and returns when it is written. It
// returns the save's error (nil when nothing was pending).
func (s *autosaver) Flush() error {
	s.saving.Lock()
	defer s.saving.Unlock()
	s.mu.Lock()
	id, base, n := s.id, s.base, s.pending
	s.pending = nil
	if s.t != nil {
		s.t.Stop()
		s.t = nil
	}
	s.flying = n != nil
	s.mu.Unlock()
	if n == nil {
		return nil
	}
	saved, err := s.save(id, base, n)
	s.mu.Lock()
	s.flying = false
	switch {
	case err != nil:
		// Keep the edit so that the next change or flush tries again,
		// unless a newer edit has arrived meanwhile.
		if s.pending == nil {
			if s.id != id {
				s.id, s.base, s.from = id, base, ""
			}
			s.pending = n
		}
	case s.id == id && s.base == base:
		s.base = saved.Note
		if saved.Merged {
			s.base = n // what the text typed since was made from
		}
		if saved.ID != id {
			s.id, s.from = saved.ID, id
		}
	}
	s.mu.Unlock()
	if s.result != nil {
		s.result(id, n, saved, err)
	}
	return err
}

// Rebase puts the merge of a save into the editor: apply (run with the
// saver's lock held, on the UI thread; it must not call Changed) shows it
// over what was typed since and returns the editor's version and whether
// it differs from merged, the stored note. It is done only if note id's
// base is still sent, the version that save sent, and no save runs (else
// a later save's result brings the merge again); it reports whether apply
// ran.
func (s *autosaver) Rebase(id string, sent, merged *note.Note, apply func() (n *note.Note, edited, ok bool)) bool {
	if !s.saving.TryLock() {
		return false
	}
	defer s.saving.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.id != id || s.base != sent {
		return false
	}
	n, edited, ok := apply()
	if !ok {
		return false
	}
	s.base = merged
	if !edited {
		s.pending = nil
		if s.t != nil {
			s.t.Stop()
			s.t = nil
		}
		return true
	}
	s.pending = n
	s.restart()
	return true
}

// Drop forgets a pending edit of note id (the note is being deleted).
func (s *autosaver) Drop(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.id == id && s.pending != nil {
		s.pending = nil
		if s.t != nil {
			s.t.Stop()
			s.t = nil
		}
	}
}

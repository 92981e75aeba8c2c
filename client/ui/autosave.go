package ui

import (
	"sync"
	"time"

	"cipherleaf.dev/shared/note"
)

// defaultAutosaveDelay is the pause in typing after which an edit is saved.
const defaultAutosaveDelay = 700 * time.Millisecond

// timer is the part of *time.Timer the models use; tests substitute their own.
type timer interface{ Stop() bool }

// afterFunc starts f after d, like time.AfterFunc.
type afterFunc func(d time.Duration, f func()) timer

func realAfterFunc(d time.Duration, f func()) timer { return time.AfterFunc(d, f) }

// autosaver debounces edits: each change restarts the delay, and when typing
// pauses the latest version is saved on the timer's goroutine, never on the
// UI thread. Saves run one at a time, in order.
type autosaver struct {
	delay  time.Duration
	after  afterFunc
	save   func(id string, n *note.Note) error
	result func(id string, err error) // called after each save, from any goroutine

	mu      sync.Mutex
	t       timer
	id      string
	pending *note.Note
	saving  sync.Mutex // held while save runs, so saves never overlap
}

func newAutosaver(delay time.Duration, after afterFunc, save func(string, *note.Note) error, result func(string, error)) *autosaver {
	if after == nil {
		after = realAfterFunc
	}
	if delay <= 0 {
		delay = defaultAutosaveDelay
	}
	return &autosaver{delay: delay, after: after, save: save, result: result}
}

// Changed records the latest version of note id and restarts the delay. An
// edit of another note first saves the pending one.
func (s *autosaver) Changed(id string, n *note.Note) {
	s.mu.Lock()
	if s.pending != nil && s.id != id {
		s.mu.Unlock()
		s.Flush()
		s.mu.Lock()
	}
	s.id, s.pending = id, n
	if s.t != nil {
		s.t.Stop()
	}
	s.t = s.after(s.delay, func() { _ = s.Flush() })
	s.mu.Unlock()
}

// Pending reports whether an edit is waiting for its save.
func (s *autosaver) Pending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending != nil
}

// Flush saves the pending edit now and returns when it is written. It
// returns the save's error (nil when nothing was pending).
func (s *autosaver) Flush() error {
	s.saving.Lock()
	defer s.saving.Unlock()
	s.mu.Lock()
	id, n := s.id, s.pending
	s.pending = nil
	if s.t != nil {
		s.t.Stop()
		s.t = nil
	}
	s.mu.Unlock()
	if n == nil {
		return nil
	}
	err := s.save(id, n)
	if err != nil {
		// Keep the edit so that the next change or flush tries again,
		// unless a newer edit has arrived meanwhile.
		s.mu.Lock()
		if s.pending == nil {
			s.id, s.pending = id, n
		}
		s.mu.Unlock()
	}
	if s.result != nil {
		s.result(id, err)
	}
	return err
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

package core

import (
	"sync"
	"time"

	"cipherleaf.dev/shared/note"
)

// TypingSession is how long a typing session may last before its edits are
// pushed as one revision (SPEC §12.4).
const TypingSession = 5 * time.Minute

// typing holds the open typing sessions: note id → when the session's
// first unsaved edit was made. Its own lock; never held with c.mu.
type typing struct {
	mu    sync.Mutex
	start map[string]time.Time
}

// Autosave writes an edit made while typing (the app's autosave). It is
// saved locally at once, like Update, but pushed as part of the note's
// typing session (SPEC §12.4): the session is pushed, as one server
// revision, when it is 5 minutes old, when EndTyping ends it (an explicit
// save), or when a pull brings another device's revision of the note.
func (c *Core) Autosave(id string, n *note.Note) error {
	if err := c.update(id, n); err != nil {
		return err
	}
	c.typing.mu.Lock()
	if c.typing.start == nil {
		c.typing.start = map[string]time.Time{}
	}
	if _, ok := c.typing.start[id]; !ok {
		c.typing.start[id] = c.cfg.Now()
	}
	c.typing.mu.Unlock()
	return nil
}

// EndTyping ends note id's typing session (all sessions for ""), so the
// next sync pushes its edits: an explicit save (Ctrl+S, leaving the note,
// locking). It starts no sync itself: Ctrl+S syncs at once, and otherwise
// auto-sync's next round pushes it.
func (c *Core) EndTyping(id string) {
	c.typing.mu.Lock()
	defer c.typing.mu.Unlock()
	if id == "" {
		clear(c.typing.start)
		return
	}
	delete(c.typing.start, id)
}

// held reports whether note id's edits wait for the end of its typing
// session. A session that has run its 5 minutes ends here: it is pushed,
// and the next edit starts a new one.
func (c *Core) held(id string) bool {
	c.typing.mu.Lock()
	defer c.typing.mu.Unlock()
	start, ok := c.typing.start[id]
	if !ok {
		return false
	}
	if c.cfg.Now().Sub(start) >= TypingSession {
		delete(c.typing.start, id)
		return false
	}
	return true
}

// pulled ends the typing sessions of notes a pull changed: the local
// session is merged and pushed at once, so both devices' work keeps its
// own revision.
func (c *Core) pulled(ids []string) {
	c.typing.mu.Lock()
	for _, id := range ids {
		delete(c.typing.start, id)
	}
	c.typing.mu.Unlock()
}

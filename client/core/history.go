package core

import (
	"context"
	"fmt"
	"time"

	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// Revision is one revision of a note kept by the server (SPEC §7.8).
type Revision struct {
	Rev  uint64
	Time time.Time // when the server stored it
	Size int64     // padded envelope size
}

// historyRemote is what revision history needs of the server; the real
// API client has it.
type historyRemote interface {
	Revisions(ctx context.Context, id string, before uint64, limit int) (*protocol.RevisionsResponse, error)
	Revision(ctx context.Context, id string, rev uint64) (*protocol.RevisionResponse, error)
}

func (c *Core) historyClient() (historyRemote, error) {
	r, err := c.client()
	if err != nil {
		return nil, err
	}
	hr, ok := r.(historyRemote)
	if !ok {
		return nil, fmt.Errorf("revision history: %w", ErrNotFound)
	}
	return hr, nil
}

// History lists a note's revisions on the server, newest first.
func (c *Core) History(ctx context.Context, id string) ([]Revision, error) {
	if c.Locked() {
		return nil, ErrLocked
	}
	hr, err := c.historyClient()
	if err != nil {
		return nil, err
	}
	var out []Revision
	var before uint64
	for {
		page, err := hr.Revisions(ctx, id, before, protocol.MaxRevisionLimit)
		if err != nil {
			return nil, classify("list revisions", err)
		}
		for _, r := range page.Revisions {
			if before != 0 && r.Rev >= before {
				return nil, fmt.Errorf("list revisions: %w", ErrTampered) // a page that does not advance
			}
			out = append(out, Revision{Rev: r.Rev, Time: r.Time, Size: r.Size})
			before = r.Rev
		}
		if !page.More || len(page.Revisions) == 0 {
			return out, nil
		}
	}
}

// RevisionNote fetches and opens one revision of a note. It is opened
// with that revision's own AD (SPEC §12.4): a blob of another revision,
// note or user fails with ErrTampered.
func (c *Core) RevisionNote(ctx context.Context, id string, rev uint64) (*note.Note, error) {
	c.keyMu.RLock()
	defer c.keyMu.RUnlock()
	c.mu.RLock()
	locked, a := c.bundle == nil, c.acct
	c.mu.RUnlock()
	if locked {
		return nil, ErrLocked
	}
	hr, err := c.historyClient()
	if err != nil {
		return nil, err
	}
	r, err := hr.Revision(ctx, id, rev)
	if err != nil {
		return nil, classify("fetch revision", err)
	}
	n, err := c.codec(a.UserID).Open(id, rev, r.Blob)
	if err != nil {
		return nil, fmt.Errorf("open revision %d: %w", rev, err)
	}
	return n, nil
}

// Restore makes revision rev of a note its current content as a new
// revision (SPEC §12.4): nothing is overwritten; the note keeps its
// current notebook and trash state. A note deleted for good comes back.
func (c *Core) Restore(ctx context.Context, id string, rev uint64) error {
	old, err := c.RevisionNote(ctx, id, rev)
	if err != nil {
		return err
	}
	if cur, err := c.Get(id); err == nil {
		old.Notebook, old.TrashedAt = cur.Notebook, cur.TrashedAt
		return c.Update(id, old)
	}
	old.Modified = c.cfg.Now().UTC()
	if err := c.write(id, old); err != nil {
		return fmt.Errorf("restore note: %w", err)
	}
	return nil
}

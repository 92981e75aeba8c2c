package core

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"cipherleaf.dev/client/attach"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/note"
)

// Attachments (SPEC §11): files are sealed into the profile first and the
// note gets the reference at once; sync uploads before it pushes notes and
// releases detached ones after. No lock is held while a transfer runs:
// the note and the account are read under mu, then released.

// Errors about attachments; Words says them.
var (
	ErrNoAttachment = errors.New("no such attachment")
	// ErrAttachmentDropped: the server answers 404 for an attachment that
	// this device's verified notes reference (SPEC §11.4).
	ErrAttachmentDropped = errors.New("attachment dropped")
	// ErrTamperedAttachment: a blob did not open as its reference says.
	ErrTamperedAttachment = attach.ErrTampered
	// ErrNoAttachments: the server connection cannot move attachments.
	ErrNoAttachments = errors.New("this server connection does not support attachments")
)

// attachState is the profile's attachment store, opened on first use.
type attachState struct {
	once  sync.Once
	store *attach.Store
	err   error
}

func (c *Core) attachments() (*attach.Store, error) {
	st := &c.att
	st.once.Do(func() {
		st.store, st.err = attach.Open(c.cfg.ProfileDir, attach.Options{NewID: vault.NewID})
	})
	return st.store, st.err
}

// attachRemote returns the server connection as an attachment remote.
func (c *Core) attachRemote() (attach.Remote, error) {
	r, err := c.client()
	if err != nil {
		return nil, err
	}
	ar, ok := r.(attach.Remote)
	if !ok {
		return nil, ErrNoAttachments
	}
	return ar, nil
}

func (c *Core) userID() (string, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.bundle == nil {
		return "", ErrLocked
	}
	if c.acct == nil {
		return "", ErrNoAccount
	}
	return c.acct.UserID, nil
}

// Attach seals the file at path into the profile, adds it to the note and
// queues the upload; it returns the attachment id.
func (c *Core) Attach(noteID, path string) (string, error) {
	return c.attach(noteID, func(st *attach.Store, uid string) (note.Attachment, error) { return st.Seal(uid, path) })
}

// AttachData is Attach for content in memory (a pasted image), named
// name: it is sealed without being written anywhere in the clear.
func (c *Core) AttachData(noteID, name string, data []byte) (string, error) {
	return c.attach(noteID, func(st *attach.Store, uid string) (note.Attachment, error) { return st.SealData(uid, name, data) })
}

// attach adds to note noteID the attachment seal stores.
func (c *Core) attach(noteID string, seal func(st *attach.Store, uid string) (note.Attachment, error)) (string, error) {
	uid, err := c.userID()
	if err != nil {
		return "", err
	}
	n, err := c.Get(noteID)
	if err != nil {
		return "", err
	}
	if len(n.Attachments) >= 256 {
		return "", fmt.Errorf("attach: %w", note.ErrInvalid)
	}
	st, err := c.attachments()
	if err != nil {
		return "", err
	}
	ref, err := seal(st, uid)
	if err != nil {
		return "", fmt.Errorf("attach file: %w", err)
	}
	n.Attachments = append(note.CloneAttachments(n.Attachments), ref)
	if err := c.Update(noteID, n); err != nil {
		_ = st.Remove(ref.ID)
		return "", err
	}
	return ref.ID, nil
}

// Attachments lists a note's attachments.
func (c *Core) Attachments(noteID string) ([]note.Attachment, error) {
	n, err := c.Get(noteID)
	if err != nil {
		return nil, err
	}
	return note.CloneAttachments(n.Attachments), nil
}

// attachmentRef returns the reference of attID in noteID.
func (c *Core) attachmentRef(noteID, attID string) (note.Attachment, error) {
	n, err := c.Get(noteID)
	if err != nil {
		return note.Attachment{}, err
	}
	a, ok := n.FindAttachment(attID)
	if !ok {
		return note.Attachment{}, fmt.Errorf("attachment %s: %w", attID, ErrNoAttachment)
	}
	return a, nil
}

// Detach removes an attachment from a note; the server is told to release
// it at the sync after the note write.
func (c *Core) Detach(noteID, attID string) error {
	n, err := c.Get(noteID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(n.Attachments, func(a note.Attachment) bool { return a.ID == attID })
	if i < 0 {
		return fmt.Errorf("detach %s: %w", attID, ErrNoAttachment)
	}
	st, err := c.attachments()
	if err != nil {
		return err
	}
	n.Attachments = slices.Delete(note.CloneAttachments(n.Attachments), i, i+1)
	if err := c.Update(noteID, n); err != nil {
		return err
	}
	return st.MarkRelease(attID)
}

// SaveAttachment writes an attachment's content to dest, downloading it
// first if it is not in the profile yet. dest is replaced only after the
// whole attachment verified.
func (c *Core) SaveAttachment(ctx context.Context, noteID, attID, dest string, progress attach.Progress) error {
	return c.withAttachment(ctx, noteID, attID, func(st *attach.Store, r attach.Remote, uid string, ref note.Attachment) error {
		return st.SaveAs(ctx, r, uid, ref, dest, progress)
	})
}

// CachedAttachment writes an attachment's content to w from the profile
// only, never the network (inline images): ErrNotCached when absent. What
// was written before an error is not to be shown.
func (c *Core) CachedAttachment(noteID, attID string, w io.Writer) error {
	uid, err := c.userID()
	if err != nil {
		return err
	}
	ref, err := c.attachmentRef(noteID, attID)
	if err != nil {
		return err
	}
	st, err := c.attachments()
	if err != nil {
		return err
	}
	return st.Open(uid, ref, w)
}

// FetchAttachment downloads an attachment into the profile (verified) if
// it is not there yet.
func (c *Core) FetchAttachment(ctx context.Context, noteID, attID string, progress attach.Progress) error {
	return c.withAttachment(ctx, noteID, attID, func(st *attach.Store, r attach.Remote, uid string, ref note.Attachment) error {
		return st.Fetch(ctx, r, uid, ref, io.Discard, progress)
	})
}

// withAttachment runs fn for a reference; a 404 is checked against the
// verified note state after a sync: still referenced means the server
// dropped it.
func (c *Core) withAttachment(ctx context.Context, noteID, attID string, fn func(*attach.Store, attach.Remote, string, note.Attachment) error) error {
	uid, err := c.userID()
	if err != nil {
		return err
	}
	ref, err := c.attachmentRef(noteID, attID)
	if err != nil {
		return err
	}
	st, err := c.attachments()
	if err != nil {
		return err
	}
	var r attach.Remote
	if !st.Has(ref.ID) {
		if r, err = c.attachRemote(); err != nil {
			return err
		}
	}
	err = fn(st, r, uid, ref)
	if !attach.IsNotFound(err) {
		return classify("attachment", err)
	}
	if _, serr := c.Sync(ctx); serr != nil {
		return serr
	}
	if _, rerr := c.attachmentRef(noteID, attID); rerr != nil {
		return rerr // detached meanwhile
	}
	return fmt.Errorf("attachment %s: %w", attID, ErrAttachmentDropped)
}

// referencedAttachments returns the ids the notes in memory reference.
func (c *Core) referencedAttachments() map[string]bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := map[string]bool{}
	for _, e := range c.notes {
		for _, a := range e.n.Attachments {
			out[a.ID] = true
		}
	}
	return out
}

// uploadAttachments uploads every attachment still owed to the server
// before the notes that reference it are pushed (SPEC §11.6). An upload
// nothing references any more is dropped.
func (c *Core) uploadAttachments(ctx context.Context) error {
	st, err := c.attachments()
	if err != nil {
		return err
	}
	ids, err := st.PendingUploads()
	if err != nil || len(ids) == 0 {
		return err
	}
	r, err := c.attachRemote()
	if err != nil {
		return err
	}
	refs := c.referencedAttachments()
	for _, id := range ids {
		if !refs[id] {
			if err := st.Forget(id); err != nil {
				return err
			}
			continue
		}
		if err := st.Upload(ctx, r, id, nil); err != nil {
			return err
		}
	}
	return nil
}

// releaseAttachments tells the server about detached attachments, after
// the note writes that dropped them were pushed.
func (c *Core) releaseAttachments(ctx context.Context) error {
	st, err := c.attachments()
	if err != nil {
		return err
	}
	ids, err := st.PendingReleases()
	if err != nil || len(ids) == 0 {
		return err
	}
	r, err := c.attachRemote()
	if err != nil {
		return err
	}
	refs := c.referencedAttachments()
	for _, id := range ids {
		if refs[id] {
			// Attached again by a merge with another device: keep it.
			if err := st.Forget(id); err != nil {
				return err
			}
			if err := st.Unrelease(id); err != nil {
				return err
			}
			continue
		}
		if err := st.Release(ctx, r, id); err != nil {
			return err
		}
	}
	return nil
}

// attachmentWords says the attachment errors (called by Words).
func attachmentWords(err error) (string, bool) {
	switch {
	case errors.Is(err, ErrTamperedAttachment):
		return "The attachment from the server failed its integrity check (altered, truncated or taken from another file). Nothing was saved.", true
	case errors.Is(err, ErrAttachmentDropped):
		return "The server no longer has this attachment although your notes still reference it (it was dropped).", true
	case errors.Is(err, ErrNoAttachment):
		return "This note has no such attachment.", true
	case errors.Is(err, attach.ErrEmptyFile):
		return "The file is empty; there is nothing to attach.", true
	case errors.Is(err, attach.ErrFileTooLarge):
		return "The file is larger than the 1 GiB attachment limit.", true
	case errors.Is(err, attach.ErrFileChanged):
		return "The file changed while it was being read; nothing was attached. Try again once it is saved.", true
	case errors.Is(err, attach.ErrNotCached):
		return "This attachment has not been downloaded yet.", true
	case errors.Is(err, ErrNoAttachments):
		return "This server connection cannot move attachments.", true
	}
	return "", false
}

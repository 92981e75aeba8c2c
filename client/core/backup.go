package core

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"cipherleaf.dev/client/attach"
	"cipherleaf.dev/client/backup"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// ExportEncrypted writes an encrypted backup of every live note and the
// attachments they reference (SPEC §9, §9.1, package backup), restorable
// with the password or the recovery key. It carries only wraps valid now
// (SPEC §3.1 L7): the password wrap is made here under the KEK, so the
// device must be unlocked with the password; the recovery wrap only if
// this device made it at the current generation. Attachments not in the
// profile are downloaded (verified) first; the file is written streaming.
func (c *Core) ExportEncrypted(path string) error {
	if err := c.fetchAllAttachments(context.Background()); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	c.keyMu.RLock()
	defer c.keyMu.RUnlock()
	c.mu.RLock()
	b, a, dk := c.bundle, c.acct, c.derived
	c.mu.RUnlock()
	if b == nil {
		return ErrLocked
	}
	if dk == nil {
		return fmt.Errorf("export: %w", ErrPasswordNeeded)
	}
	st, err := c.attachments()
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	wk, err := cryptobox.WrapBundle(&dk.KEK, b, cryptobox.PurposePassword)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	bc := backup.Contents{Created: c.cfg.Now(), Username: a.Username, UserID: a.UserID, Server: a.ServerURL,
		KDF: a.KDF, WrappedKey: wk, Bundle: b}
	err = c.v.View(context.Background(), func(tx *vault.Tx) error {
		rgen, err := tx.RecoveryGen()
		if err != nil {
			return err
		}
		if rgen == b.Current().Gen {
			bc.RecoveryWrappedKey = a.RecoveryWrappedKey
		}
		return tx.Notes(func(n vault.Note) error {
			bc.Notes = append(bc.Notes, backup.Note{ID: n.ID, Rev: n.Rev, Blob: n.Envelope})
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	seen := map[string]bool{}
	c.mu.RLock()
	for _, n := range bc.Notes {
		e := c.notes[n.ID]
		if e == nil {
			continue
		}
		for _, ref := range e.n.Attachments {
			if seen[ref.ID] {
				continue
			}
			seen[ref.ID] = true
			ref := ref
			bc.Attachments = append(bc.Attachments, backup.Blob{ID: ref.ID, Size: protocol.AttachmentBlobSize(ref.Size),
				Copy: func(w io.Writer) error { return st.CopyBlob(a.UserID, ref, w) }})
		}
	}
	c.mu.RUnlock()
	return writeFileAtomic(path, func(w io.Writer) error {
		if err := backup.Write(w, bc); err != nil {
			return fmt.Errorf("export: %w", classify("attachment", err))
		}
		return nil
	})
}

// writeFileAtomic writes path through a temporary file beside it, synced
// and renamed over it only when write succeeded.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// fetchAllAttachments downloads (verified) every attachment the notes
// reference that the profile does not hold yet; no lock is held meanwhile.
func (c *Core) fetchAllAttachments(ctx context.Context) error {
	uid, err := c.userID()
	if err != nil {
		if errors.Is(err, ErrNoAccount) {
			return nil
		}
		return err
	}
	st, err := c.attachments()
	if err != nil {
		return err
	}
	var missing []note.Attachment
	c.mu.RLock()
	for _, e := range c.notes {
		for _, ref := range e.n.Attachments {
			if !st.Has(ref.ID) {
				missing = append(missing, ref)
			}
		}
	}
	c.mu.RUnlock()
	if len(missing) == 0 {
		return nil
	}
	r, err := c.attachRemote()
	if err != nil {
		return err
	}
	for _, ref := range missing {
		err := st.Fetch(ctx, r, uid, ref, io.Discard, nil)
		if attach.IsNotFound(err) {
			// The notes reference it (verified state, SPEC §11.4).
			return fmt.Errorf("attachment %s: %w", ref.ID, ErrAttachmentDropped)
		}
		if err != nil {
			return fmt.Errorf("attachment %s: %w", ref.ID, classify("attachment", err))
		}
	}
	return nil
}

// Import adds the notes of an encrypted backup as new notes (skipping those
// already present with identical content) and returns how many it added.
// password may be the password at export time or the recovery key. The
// attachments of a version 2 file are sealed again for this account while
// they are read (SPEC §9.1); only when every one of them opened and the
// file ended where it should are they kept and the notes written, with
// their references rewritten: a refused file leaves nothing behind.
func (c *Core) Import(path string, password []byte) (int, error) {
	if c.Locked() {
		return 0, ErrLocked
	}
	fh, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("import: %w", err)
	}
	defer fh.Close()
	f, err := backup.Open(fh, password, c.cfg.Policy)
	switch {
	case errors.Is(err, backup.ErrWrongSecret):
		return 0, ErrWrongPassword
	case errors.Is(err, backup.ErrUnsupportedKDF):
		return 0, fmt.Errorf("read backup: %w", ErrUnsupportedKDF)
	case err != nil:
		return 0, err
	}
	staged, err := c.stageBackupAttachments(f)
	if err != nil {
		return 0, err
	}
	st, _ := c.attachments() // opened by stageBackupAttachments when there are any
	have := map[string]bool{}
	c.mu.RLock()
	for _, e := range c.notes {
		have[fingerprint(e.n)] = true
	}
	_, own := effectiveSettings(c.notes)
	c.mu.RUnlock()
	var add []*note.Note
	var keep []attach.Staged
	used := map[string]bool{}
	for _, n := range f.Notes {
		if have[fingerprint(n)] || (n.IsSettings() && own != nil) {
			continue // the account's own settings win over a file's (SPEC §12.5)
		}
		have[fingerprint(n)] = true
		if f.Version >= 2 && len(n.Attachments) > 0 {
			n = cloneNote(n)
			for i, ref := range n.Attachments {
				s := staged[ref.ID]
				n.Attachments[i] = s.Ref
				if !used[ref.ID] {
					used[ref.ID] = true
					keep = append(keep, s)
				}
			}
		}
		add = append(add, n)
	}
	var drop []attach.Staged
	for old, s := range staged {
		if !used[old] {
			drop = append(drop, s)
		}
	}
	if st != nil {
		st.Discard(drop)
		if err := st.Commit(keep); err != nil {
			return 0, fmt.Errorf("import: %w", err)
		}
	}
	added := 0
	for _, n := range add {
		if _, err := c.createKeepTimes(n); err != nil {
			return added, fmt.Errorf("import: %w", err)
		}
		if n.IsSettings() {
			continue // not a note: not counted
		}
		added++
	}
	return added, nil
}

// stageBackupAttachments reads every attachment blob of f and stages it
// sealed for this account (SPEC §9.1), by the id it had in the file. On
// any failure nothing staged is left.
func (c *Core) stageBackupAttachments(f *backup.File) (map[string]attach.Staged, error) {
	staged := map[string]attach.Staged{}
	var st *attach.Store
	var uid string
	fail := func(err error) (map[string]attach.Staged, error) {
		if st != nil {
			for _, s := range staged {
				st.Discard([]attach.Staged{s})
			}
		}
		return nil, err
	}
	for {
		ref, r, err := f.Next()
		if errors.Is(err, io.EOF) {
			return staged, nil
		}
		if err != nil {
			return fail(fmt.Errorf("import: %w", err))
		}
		if st == nil {
			if uid, err = c.userID(); err != nil {
				return fail(err)
			}
			if st, err = c.attachments(); err != nil {
				return fail(err)
			}
		}
		s, err := st.StageBlob(uid, f.UserID, ref, r)
		if errors.Is(err, attach.ErrTampered) {
			return fail(fmt.Errorf("import: attachment %s: %w", ref.ID, backup.ErrTamperedAttachment))
		}
		if err != nil {
			return fail(fmt.Errorf("import: %w", err))
		}
		staged[ref.ID] = s
	}
}

func fingerprint(n *note.Note) string {
	var b bytes.Buffer
	json.NewEncoder(&b).Encode([]any{n.Title, n.Body, n.Tags, n.Created.UnixNano()})
	return b.String()
}

func (c *Core) createKeepTimes(n *note.Note) (string, error) {
	id, err := vault.NewID()
	if err != nil {
		return "", err
	}
	if err := c.write(id, cloneNote(n)); err != nil {
		return "", err
	}
	return id, nil
}

// ExportMarkdown writes every note as an UNENCRYPTED Markdown file with
// YAML front matter into dir (created 0700). Callers must warn the user.
func (c *Core) ExportMarkdown(dir string) error {
	if c.Locked() {
		return ErrLocked
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("export markdown: %w", err)
	}
	c.mu.RLock()
	type item struct {
		id string
		n  *note.Note
	}
	items := make([]item, 0, len(c.notes))
	for id, e := range c.notes {
		if listed(e) { // notebooks are folders; the trash is not exported (SPEC §12.2)
			items = append(items, item{id, cloneNote(e.n)})
		}
	}
	t := buildTree(c.notes)
	folders := t.folders()
	c.mu.RUnlock()
	for _, it := range items {
		var b bytes.Buffer
		b.WriteString("---\n")
		fmt.Fprintf(&b, "id: %s\n", it.id)
		fmt.Fprintf(&b, "title: %s\n", yamlString(it.n.Title))
		b.WriteString("tags: [")
		for i, t := range it.n.Tags {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(yamlString(t))
		}
		b.WriteString("]\n")
		fmt.Fprintf(&b, "created: %s\n", it.n.Created.UTC().Format(time.RFC3339))
		fmt.Fprintf(&b, "modified: %s\n", it.n.Modified.UTC().Format(time.RFC3339))
		if it.n.ConflictOf != "" {
			fmt.Fprintf(&b, "conflict_of: %s\n", it.n.ConflictOf)
		}
		b.WriteString("---\n\n")
		b.WriteString(it.n.Body)
		sub := filepath.Join(dir, folders[t.place(it.n.Notebook)])
		if err := os.MkdirAll(sub, 0o700); err != nil {
			return fmt.Errorf("export markdown: %w", err)
		}
		if err := c.exportAttachments(sub, it.id, it.n, &b); err != nil {
			return fmt.Errorf("export markdown: %w", err)
		}
		if err := os.WriteFile(filepath.Join(sub, it.id+".md"), b.Bytes(), 0o600); err != nil {
			return fmt.Errorf("export markdown: %w", err)
		}
	}
	return nil
}

// yamlString quotes s as a YAML double-quoted scalar (JSON strings are).
func yamlString(s string) string {
	q, err := json.Marshal(s)
	if err != nil {
		return `""`
	}
	return string(q)
}

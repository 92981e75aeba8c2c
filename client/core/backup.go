package core

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"cipherleaf.dev/client/backup"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
)

// ExportEncrypted writes an encrypted backup of every live note (SPEC §9,
// package backup), restorable with the password or the recovery key. It
// carries only wraps valid now (SPEC §3.1 L7): the password wrap is made
// here under the KEK, so the device must be unlocked with the password; the
// recovery wrap only if this device made it at the current generation.
func (c *Core) ExportEncrypted(path string) error {
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
	var buf bytes.Buffer
	if err := backup.Write(&buf, bc); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// readBackup opens a backup file's notes with password, which may also be
// the printed recovery key (package backup), naming failures in this
// package's words.
func (c *Core) readBackup(r io.Reader, password []byte) ([]*note.Note, error) {
	notes, err := backup.Read(r, password, c.cfg.Policy)
	switch {
	case errors.Is(err, backup.ErrWrongSecret):
		return nil, ErrWrongPassword
	case errors.Is(err, backup.ErrUnsupportedKDF):
		return nil, fmt.Errorf("read backup: %w", ErrUnsupportedKDF)
	}
	return notes, err
}

// Import adds the notes of an encrypted backup as new notes (skipping those
// already present with identical content) and returns how many it added.
// password may be the password at export time or the recovery key.
func (c *Core) Import(path string, password []byte) (int, error) {
	if c.Locked() {
		return 0, ErrLocked
	}
	fh, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("import: %w", err)
	}
	defer fh.Close()
	notes, err := c.readBackup(fh, password)
	if err != nil {
		return 0, err
	}
	have := map[string]bool{}
	c.mu.RLock()
	for _, e := range c.notes {
		have[fingerprint(e.n)] = true
	}
	_, own := effectiveSettings(c.notes)
	c.mu.RUnlock()
	added := 0
	for _, n := range notes {
		if have[fingerprint(n)] || (n.IsSettings() && own != nil) {
			continue // the account's own settings win over a file's (SPEC §12.5)
		}
		if _, err := c.createKeepTimes(n); err != nil {
			return added, fmt.Errorf("import: %w", err)
		}
		have[fingerprint(n)] = true
		if n.IsSettings() {
			continue // not a note: not counted
		}
		added++
	}
	return added, nil
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

package core

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"cipherleaf.dev/client/syncer"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// backupHeader is the first line of a backup file (SPEC §9).
const backupHeader = "CIPHERLEAF-BACKUP 1\n"

type backupFile struct {
	V                  int          `json:"v"`
	Created            time.Time    `json:"created"`
	Username           string       `json:"username"`
	UserID             string       `json:"user_id"`
	Server             string       `json:"server"`
	KDF                protocol.KDF `json:"kdf"`
	WrappedKey         []byte       `json:"wrapped_key"`
	RecoveryWrappedKey []byte       `json:"recovery_wrapped_key,omitempty"`
	IndexGen           uint32       `json:"index_gen"`
	Index              []byte       `json:"index"`
	// Successors carry a reader from an older bundle in a wrap (the
	// recovery wrap is not redone by rotations) to the exporting device's
	// bundle: Wrap(B[i].key, B[i-1:], "rotation"), oldest first (SPEC §9).
	Successors [][]byte     `json:"successors,omitempty"`
	Notes      []backupNote `json:"notes"`
}

type backupNote struct {
	ID   string `json:"id"`
	Rev  uint64 `json:"rev"`
	Blob []byte `json:"blob,omitempty"`
}

type backupIndex struct {
	UserID  string       `json:"user_id"`
	Created time.Time    `json:"created"`
	Notes   []indexEntry `json:"notes"`
}

type indexEntry struct {
	ID  string `json:"id"`
	Rev uint64 `json:"rev"`
}

// ExportEncrypted writes an encrypted backup of every live note (SPEC §9),
// restorable with the password or the recovery key.
func (c *Core) ExportEncrypted(path string) error {
	c.keyMu.RLock()
	defer c.keyMu.RUnlock()
	c.mu.RLock()
	b, a, dk := c.bundle, c.acct, c.derived
	c.mu.RUnlock()
	if b == nil {
		return ErrLocked
	}
	// Only wraps valid when written (SPEC §3.1 L7): the password wrap is
	// made now under the KEK, the recovery wrap only if this device made it
	// at the current generation, and no successor.
	if dk == nil {
		return fmt.Errorf("export: %w", ErrPasswordNeeded)
	}
	wk, err := cryptobox.WrapBundle(&dk.KEK, b, cryptobox.PurposePassword)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	f := backupFile{V: 1, Created: c.cfg.Now().UTC().Truncate(time.Second), Username: a.Username, UserID: a.UserID,
		Server: a.ServerURL, KDF: a.KDF, WrappedKey: wk, IndexGen: b.Current().Gen, Notes: []backupNote{}}
	err = c.v.View(context.Background(), func(tx *vault.Tx) error {
		rgen, err := tx.RecoveryGen()
		if err != nil {
			return err
		}
		if rgen == b.Current().Gen {
			f.RecoveryWrappedKey = a.RecoveryWrappedKey
		}
		return tx.Notes(func(n vault.Note) error {
			f.Notes = append(f.Notes, backupNote{ID: n.ID, Rev: n.Rev, Blob: n.Envelope})
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	slices.SortFunc(f.Notes, func(x, y backupNote) int { return cmpString(x.ID, y.ID) })
	idx, err := json.Marshal(indexOf(f))
	if err != nil {
		return err
	}
	cur := b.Current()
	if f.Index, err = cryptobox.Wrap(&cur.Key, idx, cryptobox.PurposeBackup); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	body, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append([]byte(backupHeader), body...), 0o600); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// followBackupChain walks the file's successors forward from b (SPEC §9).
// Every successor must open with a key of the bundle reached: one that
// does not was altered. It returns the newest bundle and wipes b if that
// is another one.
func followBackupChain(b cryptobox.Bundle, successors [][]byte) (cryptobox.Bundle, error) {
	nb := b.Follow(successors)
	if nb.Current().Gen != b.Current().Gen {
		b.Wipe()
	}
	for i, s := range successors {
		opened := false
		for j := range nb {
			if sb, err := cryptobox.UnwrapBundle(&nb[j].Key, s, cryptobox.PurposeRotation); err == nil {
				sb.Wipe()
				opened = true
				break
			}
		}
		if !opened {
			nb.Wipe()
			return nil, fmt.Errorf("read backup: successor %d does not open: %w", i, ErrTampered)
		}
	}
	return nb, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func indexOf(f backupFile) backupIndex {
	ix := backupIndex{UserID: f.UserID, Created: f.Created, Notes: make([]indexEntry, len(f.Notes))}
	for i, n := range f.Notes {
		ix.Notes[i] = indexEntry{ID: n.ID, Rev: n.Rev}
	}
	return ix
}

// readBackup parses a backup file and opens its notes with password, which
// may also be the printed recovery key.
func (c *Core) readBackup(r io.Reader, password []byte) ([]*note.Note, error) {
	br := bufio.NewReader(r)
	head, err := br.ReadString('\n')
	if err != nil || len(head) < 18 || head[:18] != backupHeader[:18] {
		return nil, ErrBadBackup
	}
	if head != backupHeader {
		return nil, ErrNewerBackup
	}
	var f backupFile
	if err := json.NewDecoder(br).Decode(&f); err != nil {
		return nil, fmt.Errorf("read backup: %w", ErrBadBackup)
	}
	if f.V != 1 {
		return nil, ErrNewerBackup
	}
	b, err := c.openBackupBundle(f, password)
	if err != nil {
		return nil, err
	}
	if b, err = followBackupChain(b, f.Successors); err != nil {
		return nil, err
	}
	defer b.Wipe()
	ak, ok := b.Lookup(f.IndexGen)
	if !ok && len(f.Successors) > 0 {
		// The exporter's chain always reaches index_gen: one was dropped.
		return nil, fmt.Errorf("read backup: key generation %d not reached: %w", f.IndexGen, ErrTampered)
	}
	if !ok {
		return nil, ErrBadBackup
	}
	raw, err := cryptobox.Unwrap(&ak.Key, f.Index, cryptobox.PurposeBackup)
	if err != nil {
		return nil, fmt.Errorf("read backup index: %w", ErrTampered)
	}
	var ix backupIndex
	if err := json.Unmarshal(raw, &ix); err != nil {
		return nil, ErrBadBackup
	}
	want := indexOf(f)
	if ix.UserID != want.UserID || !ix.Created.Equal(want.Created) || !slices.Equal(ix.Notes, want.Notes) {
		return nil, fmt.Errorf("read backup: notes do not match the index: %w", ErrTampered)
	}
	cd := syncer.Codec{UserID: f.UserID, Bundle: func() cryptobox.Bundle { return b }}
	out := make([]*note.Note, 0, len(f.Notes))
	for _, n := range f.Notes {
		nn, err := cd.Open(n.ID, n.Rev, n.Blob)
		if err != nil {
			return nil, fmt.Errorf("read backup: %w", err)
		}
		out = append(out, nn)
	}
	return out, nil
}

func (c *Core) openBackupBundle(f backupFile, secret []byte) (cryptobox.Bundle, error) {
	if rk, err := cryptobox.ParseRecoveryKey(string(secret)); err == nil && f.RecoveryWrappedKey != nil {
		defer rk.Wipe()
		k, err := rk.WrapKey()
		if err != nil {
			return nil, err
		}
		defer clear(k[:])
		if b, err := cryptobox.UnwrapBundle(k, f.RecoveryWrappedKey, cryptobox.PurposeRecovery); err == nil {
			return b, nil
		}
	}
	dk, err := c.derive(secret, f.KDF)
	if err != nil {
		return nil, fmt.Errorf("read backup: %w", err)
	}
	defer dk.Wipe()
	b, err := cryptobox.UnwrapBundle(&dk.KEK, f.WrappedKey, cryptobox.PurposePassword)
	if err != nil {
		return nil, ErrWrongPassword
	}
	return b, nil
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
	c.mu.RUnlock()
	added := 0
	for _, n := range notes {
		if have[fingerprint(n)] {
			continue
		}
		if _, err := c.createKeepTimes(n); err != nil {
			return added, fmt.Errorf("import: %w", err)
		}
		have[fingerprint(n)] = true
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
		items = append(items, item{id, cloneNote(e.n)})
	}
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
		if err := c.exportAttachments(dir, it.id, it.n, &b); err != nil {
			return fmt.Errorf("export markdown: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, it.id+".md"), b.Bytes(), 0o600); err != nil {
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

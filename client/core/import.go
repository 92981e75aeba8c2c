package core

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"cipherleaf.dev/client/attach"
	"cipherleaf.dev/client/importer"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/note"
)

// errIDTaken means an import asked to write a note id already in use.
var errIDTaken = errors.New("note id already in use")

// ImportedSources maps the source of every imported note in the vault
// (SPEC §13.1) to its note id.
func (c *Core) ImportedSources() map[string]string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := map[string]string{}
	for id, e := range c.notes {
		if e.n.Source != "" {
			out[e.n.Source] = id
		}
	}
	return out
}

// NewNoteID returns a fresh note id, for an import that links notes to
// notes it has not written yet.
func (c *Core) NewNoteID() (string, error) { return vault.NewID() }

// ImportNote writes a new note under id with its files sealed as
// attachments (SPEC §11): body receives the attachment ids in the order of
// files (an empty file gets "" and no attachment) and returns the body to
// store. It never overwrites a note: an id already in use is refused.
func (c *Core) ImportNote(id string, n *note.Note, files []importer.Attachment, body func(attIDs []string) string) error {
	return c.ImportNotes([]importer.Pending{{ID: id, Note: n, Files: files, Body: body}})
}

// ImportNotes writes several imported notes in one vault transaction (see
// ImportNote): an import of thousands of notes pays for one commit per batch,
// and their attachments for one durability barrier (attach.Store.Commit)
// before it.
func (c *Core) ImportNotes(batch []importer.Pending) error {
	var written []*note.Note
	var staged []attach.Staged
	var st *attach.Store
	for _, p := range batch {
		n, sts, err := c.prepareImport(p.ID, p.Note, p.Files, p.Body)
		if err != nil {
			if st != nil {
				st.Discard(staged)
			}
			return err
		}
		if len(sts) > 0 && st == nil {
			if st, err = c.attachments(); err != nil {
				return err
			}
		}
		staged = append(staged, sts...)
		written = append(written, n)
	}
	if st != nil {
		if err := st.Commit(staged); err != nil {
			return fmt.Errorf("import attachments: %w", err)
		}
	}
	if err := c.writeMany(batch, written); err != nil {
		for _, s := range staged {
			_ = st.Remove(s.Ref.ID)
		}
		return err
	}
	return nil
}

// prepareImport seals one note's files (staged: the caller commits them)
// and returns the note to write.
func (c *Core) prepareImport(id string, n *note.Note, files []importer.Attachment, body func(attIDs []string) string) (*note.Note, []attach.Staged, error) {
	if _, err := c.Get(id); err == nil {
		return nil, nil, fmt.Errorf("import note %s: %w", id, errIDTaken)
	} else if !errors.Is(err, ErrNotFound) {
		return nil, nil, err
	}
	n = cloneNote(n)
	ids := make([]string, len(files))
	var refs []note.Attachment
	var staged []attach.Staged
	if len(files) > 0 {
		uid, err := c.userID()
		if err != nil {
			return nil, nil, err
		}
		st, err := c.attachments()
		if err != nil {
			return nil, nil, err
		}
		tmp, err := os.MkdirTemp("", "cipherleaf-import-")
		if err != nil {
			return nil, nil, fmt.Errorf("import attachments: %w", err)
		}
		defer os.RemoveAll(tmp)
		for i, f := range files {
			s, err := stageImported(st, uid, tmp, i, f)
			if errors.Is(err, attach.ErrEmptyFile) {
				continue
			}
			if err != nil {
				st.Discard(staged)
				return nil, nil, fmt.Errorf("import attachment %s: %w", f.Name, err)
			}
			ids[i] = s.Ref.ID
			refs = append(refs, s.Ref)
			staged = append(staged, s)
		}
	}
	n.Attachments = refs
	n.Body = body(ids)
	return n, staged, nil
}

// writeMany seals new notes into the vault and the pending queue in one
// transaction (writeAll), then updates memory once.
func (c *Core) writeMany(batch []importer.Pending, notes []*note.Note) error {
	items := make(map[string]*note.Note, len(batch))
	for i, p := range batch {
		items[p.ID] = notes[i]
	}
	return c.writeAll(items)
}

// stageImported spools one file to dir and stages it sealed, keeping its
// own name and media type in the reference.
func stageImported(st *attach.Store, uid, dir string, i int, f importer.Attachment) (attach.Staged, error) {
	r, err := f.Open()
	if err != nil {
		return attach.Staged{}, err
	}
	defer r.Close()
	path := filepath.Join(dir, fmt.Sprintf("%d", i))
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return attach.Staged{}, err
	}
	_, err = io.Copy(out, r)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return attach.Staged{}, err
	}
	defer os.Remove(path)
	s, err := st.Stage(uid, path)
	if err != nil {
		return s, err
	}
	if f.Name != "" {
		s.Ref.Name = importer.AttachmentName(f.Name)
	}
	if f.Type != "" && len(f.Type) <= 255 {
		s.Ref.Type = f.Type
	}
	return s, nil
}

// importWords words an import refusal: the importer's reasons are written
// for people already (they name the file and what is wrong with it, never
// note content).
func importWords(err error) (string, bool) {
	switch {
	case errors.Is(err, importer.ErrRefused), errors.Is(err, importer.ErrUnknownFormat):
		msg := err.Error()
		if i := strings.Index(msg, "import refused: "); i >= 0 {
			msg = msg[i+len("import refused: "):]
		}
		return "Cannot import: " + msg + ".", true
	}
	return "", false
}

// ImportNotebooks places imported notes into real notebooks (SPEC §12),
// found by path or created.
func (c *Core) ImportNotebooks() importer.Notebooks {
	return &importNotebooks{c: c, ids: map[string]string{}}
}

type importNotebooks struct {
	c   *Core
	ids map[string]string // path -> notebook id
}

// Place finds or creates each notebook along path and puts n in the last.
func (p *importNotebooks) Place(n *note.Note, path string) error {
	if len(p.ids) == 0 {
		for _, nb := range p.c.Notebooks() {
			if _, dup := p.ids[nb.Path]; !dup {
				p.ids[nb.Path] = nb.ID
			}
		}
	}
	parent, prefix := "", ""
	for _, name := range strings.Split(path, "/") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if prefix != "" {
			prefix += "/"
		}
		prefix += name
		id, ok := p.ids[prefix]
		if !ok {
			var err error
			if id, err = p.c.CreateNotebook(name, parent); err != nil {
				return err
			}
			p.ids[prefix] = id
		}
		parent = id
	}
	n.Notebook = parent
	return nil
}

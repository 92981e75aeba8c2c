package core

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"cipherleaf.dev/client/attach"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/note"
)

// Notebook errors.
var (
	// ErrNoNotebook means the notebook named does not exist (or was deleted).
	ErrNoNotebook = errors.New("no such notebook")
	// ErrNotebookCycle means a notebook would be moved into itself or below it.
	ErrNotebookCycle = errors.New("notebook moved into itself")
	// ErrNotebookName means a notebook name is empty or too long.
	ErrNotebookName = errors.New("bad notebook name")
)

func notebookWords(err error) (string, bool) {
	switch {
	case errors.Is(err, ErrNoNotebook):
		return "That notebook doesn't exist (it may have been deleted on another device).", true
	case errors.Is(err, ErrNotebookCycle):
		return "A notebook can't be moved into itself or into one of its own notebooks.", true
	case errors.Is(err, ErrNotebookName):
		return "A notebook needs a name of at most 1024 bytes.", true
	}
	return "", false
}

// NotebookInfo is one notebook of the effective tree (SPEC §12.2).
type NotebookInfo struct {
	ID     string
	Name   string
	Parent string // effective parent id, "" = root
	Path   string // names from the root joined by "/", e.g. "Work/Projects"
}

// tree is the effective notebook tree computed from the items held
// (SPEC §12.2): written parents, with orphans at the root and each cycle
// cut at its smallest id.
type tree struct {
	names  map[string]string // notebook id → name
	parent map[string]string // notebook id → effective parent ("" = root)
	paths  map[string]string // memo of path
}

// buildTree computes the effective tree of the live notebooks in notes.
// The caller holds c.mu (read).
func buildTree(notes map[string]*entry) *tree {
	t := &tree{names: map[string]string{}, parent: map[string]string{}, paths: map[string]string{}}
	written := map[string]string{}
	for id, e := range notes {
		if e.n.IsNotebook() {
			t.names[id] = e.n.Title
			written[id] = e.n.Notebook
		}
	}
	for id, p := range written {
		if _, ok := t.names[p]; !ok {
			p = "" // rule 1: an orphan goes to the root
		}
		t.parent[id] = p
	}
	// Rule 2: in the functional graph id → parent, find each cycle once and
	// cut it at its smallest id. Visiting order does not matter.
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	ids := make([]string, 0, len(t.parent))
	for id := range t.parent {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, start := range ids {
		var path []string
		id := start
		for id != "" && state[id] == unseen {
			state[id] = onPath
			path = append(path, id)
			id = t.parent[id]
		}
		if id != "" && state[id] == onPath {
			i := slices.Index(path, id)
			t.parent[slices.Min(path[i:])] = ""
		}
		for _, p := range path {
			state[p] = done
		}
	}
	return t
}

// has reports whether id is a live notebook.
func (t *tree) has(id string) bool { _, ok := t.names[id]; return ok }

// place returns the effective notebook of an item whose written notebook is nb.
func (t *tree) place(nb string) string {
	if t.has(nb) {
		return nb
	}
	return ""
}

// path returns the notebook's path ("" for the root).
func (t *tree) path(id string) string {
	if id == "" {
		return ""
	}
	if p, ok := t.paths[id]; ok {
		return p
	}
	name := strings.ReplaceAll(t.names[id], "/", "∕")
	p := name
	if parent := t.parent[id]; parent != "" {
		p = t.path(parent) + "/" + name
	}
	t.paths[id] = p
	return p
}

// below reports whether id is nb or one of its effective descendants.
func (t *tree) below(id, nb string) bool {
	for seen := 0; id != "" && seen <= len(t.parent); seen++ {
		if id == nb {
			return true
		}
		id = t.parent[id]
	}
	return false
}

// fillPlaces sets the notebook of each listed note. The caller holds c.mu.
func (c *Core) fillPlaces(out []NoteInfo) {
	t := buildTree(c.notes)
	for i := range out {
		if e, ok := c.notes[out[i].ID]; ok {
			out[i].Notebook = t.place(e.n.Notebook)
			out[i].NotebookPath = t.path(out[i].Notebook)
		}
	}
}

// Notebooks returns the effective notebook tree, sorted by path.
func (c *Core) Notebooks() []NotebookInfo {
	c.mu.RLock()
	t := buildTree(c.notes)
	c.mu.RUnlock()
	return t.infos()
}

// infos lists the tree's notebooks sorted by path, then id.
func (t *tree) infos() []NotebookInfo {
	out := make([]NotebookInfo, 0, len(t.names))
	for id, name := range t.names {
		out = append(out, NotebookInfo{ID: id, Name: name, Parent: t.parent[id], Path: t.path(id)})
	}
	slices.SortFunc(out, func(a, b NotebookInfo) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// ListNotebook returns the notes (not in the trash) whose effective
// notebook is nb ("" = the root), newest modified first.
func (c *Core) ListNotebook(nb string) []NoteInfo {
	var out []NoteInfo
	for _, ni := range c.List() {
		if ni.Notebook == nb {
			out = append(out, ni)
		}
	}
	return out
}

func checkName(name string) error {
	if strings.TrimSpace(name) == "" || len(name) > note.MaxTitleBytes {
		return ErrNotebookName
	}
	return nil
}

// snapshot returns the tree and copies of the items named, under one read lock.
func (c *Core) snapshot(ids ...string) (*tree, map[string]*note.Note, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.bundle == nil {
		return nil, nil, ErrLocked
	}
	items := map[string]*note.Note{}
	for _, id := range ids {
		if e, ok := c.notes[id]; ok {
			items[id] = cloneNote(e.n)
		}
	}
	return buildTree(c.notes), items, nil
}

// CreateNotebook makes a notebook under parent ("" = root) and returns its id.
func (c *Core) CreateNotebook(name, parent string) (string, error) {
	if err := checkName(name); err != nil {
		return "", fmt.Errorf("create notebook: %w", err)
	}
	t, _, err := c.snapshot()
	if err != nil {
		return "", err
	}
	if parent != "" && !t.has(parent) {
		return "", fmt.Errorf("create notebook in %s: %w", parent, ErrNoNotebook)
	}
	id, err := vault.NewID()
	if err != nil {
		return "", err
	}
	now := c.cfg.Now().UTC()
	n := &note.Note{Kind: note.KindNotebook, Title: name, Notebook: parent, Created: now, Modified: now}
	if err := c.write(id, n); err != nil {
		return "", fmt.Errorf("create notebook: %w", err)
	}
	return id, nil
}

// RenameNotebook changes a notebook's name.
func (c *Core) RenameNotebook(id, name string) error {
	if err := checkName(name); err != nil {
		return fmt.Errorf("rename notebook: %w", err)
	}
	t, items, err := c.snapshot(id)
	if err != nil {
		return err
	}
	if !t.has(id) {
		return fmt.Errorf("rename notebook %s: %w", id, ErrNoNotebook)
	}
	n := items[id]
	n.Title, n.Modified = name, c.cfg.Now().UTC()
	return c.write(id, n)
}

// MoveNotebook moves a notebook under parent ("" = root); moving it into
// itself or one of its descendants is refused (SPEC §12.2 rule 3).
func (c *Core) MoveNotebook(id, parent string) error {
	t, items, err := c.snapshot(id)
	if err != nil {
		return err
	}
	if !t.has(id) {
		return fmt.Errorf("move notebook %s: %w", id, ErrNoNotebook)
	}
	if parent != "" && !t.has(parent) {
		return fmt.Errorf("move notebook into %s: %w", parent, ErrNoNotebook)
	}
	if t.below(parent, id) {
		return fmt.Errorf("move notebook %s: %w", id, ErrNotebookCycle)
	}
	n := items[id]
	n.Notebook, n.Modified = parent, c.cfg.Now().UTC()
	return c.write(id, n)
}

// MoveNote puts a note into notebook nb ("" = root).
func (c *Core) MoveNote(id, nb string) error {
	t, items, err := c.snapshot(id)
	if err != nil {
		return err
	}
	n, ok := items[id]
	if !ok || !n.IsNote() {
		return fmt.Errorf("move note %s: %w", id, ErrNotFound)
	}
	if nb != "" && !t.has(nb) {
		return fmt.Errorf("move note into %s: %w", nb, ErrNoNotebook)
	}
	n.Notebook, n.Modified = nb, c.cfg.Now().UTC()
	return c.write(id, n)
}

// DeleteNotebook deletes a notebook. Its notes move to its parent, or with
// trashNotes go to the trash; its child notebooks move to its parent. All
// in one vault transaction (SPEC §12.2 rule 5).
func (c *Core) DeleteNotebook(id string, trashNotes bool) error {
	c.mu.RLock()
	if c.bundle == nil {
		c.mu.RUnlock()
		return ErrLocked
	}
	t := buildTree(c.notes)
	writes := map[string]*note.Note{}
	now := c.cfg.Now().UTC()
	if t.has(id) {
		parent := t.parent[id]
		for oid, e := range c.notes {
			// Items written into id, or effectively in it (its place is id).
			if oid == id || t.place(e.n.Notebook) != id {
				continue
			}
			n := cloneNote(e.n)
			if trashNotes && n.IsNote() {
				if !n.Trashed() {
					n.TrashedAt = now
				}
			} else {
				n.Notebook = parent
			}
			n.Modified = now
			writes[oid] = n
		}
		writes[id] = nil
	}
	c.mu.RUnlock()
	if len(writes) == 0 {
		return fmt.Errorf("delete notebook %s: %w", id, ErrNoNotebook)
	}
	if err := c.writeAll(writes); err != nil {
		return fmt.Errorf("delete notebook: %w", err)
	}
	return nil
}

// folders maps each notebook to its folder for the Markdown export (SPEC
// §12.2): safe names, "name (2)"… for siblings whose names collide, by id.
// The caller holds c.mu.
func (t *tree) folders() map[string]string {
	children := map[string][]string{}
	for id, p := range t.parent {
		children[p] = append(children[p], id)
	}
	out := map[string]string{}
	var walk func(parent, dir string)
	walk = func(parent, dir string) {
		kids := children[parent]
		slices.Sort(kids)
		used := map[string]bool{}
		for _, id := range kids {
			base := attach.SafeName(t.names[id])
			name := base
			for i := 2; used[strings.ToLower(name)]; i++ {
				name = fmt.Sprintf("%s (%d)", base, i)
			}
			used[strings.ToLower(name)] = true
			out[id] = filepath.Join(dir, name)
			walk(id, out[id])
		}
	}
	walk("", "")
	return out
}

package ui

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/note"
)

// The fake's notebooks, trash and history (ui.Organizer). Notebooks are
// items of f.notes with Kind "notebook", as in the real core; revisions
// are kept per note in f.revs, oldest first, and tests add them directly.

type fakeRev struct {
	rev uint64
	at  time.Time
	n   note.Note
}

// addNotebook stores a notebook under parent ("" = top level).
func (f *fakeAPI) addNotebook(name, parent string) string {
	return f.add(note.Note{Kind: note.KindNotebook, Title: name, Notebook: parent, Created: testNow, Modified: testNow})
}

// addRevision records a past revision of note id.
func (f *fakeAPI) addRevision(id string, at time.Time, n note.Note) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.revs == nil {
		f.revs = map[string][]fakeRev{}
	}
	f.revs[id] = append(f.revs[id], fakeRev{rev: uint64(len(f.revs[id]) + 1), at: at, n: n})
}

// pathsLocked maps each notebook id to its path; the caller holds f.mu.
func (f *fakeAPI) pathsLocked() map[string]string {
	out := map[string]string{}
	var path func(id string, depth int) string
	path = func(id string, depth int) string {
		n := f.notes[id]
		if n == nil || !n.IsNotebook() || depth > len(f.notes) {
			return ""
		}
		if p := path(n.Notebook, depth+1); p != "" {
			return p + "/" + n.Title
		}
		return n.Title
	}
	for id, n := range f.notes {
		if n.IsNotebook() {
			out[id] = path(id, 0)
		}
	}
	return out
}

// Overview is the separate reads put together, as the real core's is
// (core's TestOverview checks that). It is recorded; the reads it makes
// are not.
func (f *fakeAPI) Overview() core.Overview {
	f.mu.Lock()
	f.record("Overview")
	f.mu.Unlock()
	ov := core.Overview{Notes: f.listWhere(func(*note.Note) bool { return true }), Notebooks: f.notebooks(), Trashed: len(f.TrashList())}
	for _, n := range ov.Notes {
		if n.Conflict {
			ov.Conflicts++
		}
	}
	return ov
}

func (f *fakeAPI) Notebooks() []core.NotebookInfo {
	f.mu.Lock()
	f.record("Notebooks")
	f.mu.Unlock()
	return f.notebooks()
}

func (f *fakeAPI) notebooks() []core.NotebookInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.locked {
		return nil
	}
	paths := f.pathsLocked()
	var out []core.NotebookInfo
	for id, p := range paths {
		n := f.notes[id]
		parent := n.Notebook
		if _, ok := paths[parent]; !ok {
			parent = ""
		}
		out = append(out, core.NotebookInfo{ID: id, Name: n.Title, Parent: parent, Path: p})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func (f *fakeAPI) CreateNotebook(name, parent string) (string, error) {
	f.mu.Lock()
	err := f.record("CreateNotebook")
	f.mu.Unlock()
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(name) == "" {
		return "", core.ErrNotebookName
	}
	return f.addNotebook(name, parent), nil
}

func (f *fakeAPI) RenameNotebook(id, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("RenameNotebook"); err != nil {
		return err
	}
	n, ok := f.notes[id]
	if !ok || !n.IsNotebook() {
		return core.ErrNoNotebook
	}
	if strings.TrimSpace(name) == "" {
		return core.ErrNotebookName
	}
	n.Title = name
	return nil
}

func (f *fakeAPI) MoveNote(id, nb string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("MoveNote"); err != nil {
		return err
	}
	n, ok := f.notes[id]
	if !ok || !n.IsNote() {
		return core.ErrNotFound
	}
	if nb != "" {
		if b, ok := f.notes[nb]; !ok || !b.IsNotebook() {
			return core.ErrNoNotebook
		}
	}
	n.Notebook = nb
	f.pending[id] = true
	return nil
}

func (f *fakeAPI) DeleteNotebook(id string, trashNotes bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record(fmt.Sprintf("DeleteNotebook %s %v", id, trashNotes)); err != nil {
		return err
	}
	nb, ok := f.notes[id]
	if !ok || !nb.IsNotebook() {
		return core.ErrNoNotebook
	}
	for _, n := range f.notes {
		if n.Notebook != id {
			continue
		}
		if n.IsNote() && trashNotes {
			n.TrashedAt = testNow
		} else {
			n.Notebook = nb.Notebook
		}
	}
	delete(f.notes, id)
	return nil
}

func (f *fakeAPI) Trash(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("Trash"); err != nil {
		return err
	}
	n, ok := f.notes[id]
	if !ok || !n.IsNote() {
		return core.ErrNotFound
	}
	n.TrashedAt = testNow
	return nil
}

func (f *fakeAPI) Untrash(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("Untrash"); err != nil {
		return err
	}
	n, ok := f.notes[id]
	if !ok || !n.Trashed() {
		return core.ErrNotFound
	}
	n.TrashedAt = time.Time{}
	return nil
}

func (f *fakeAPI) TrashList() []core.TrashInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []core.TrashInfo
	for id, n := range f.notes {
		if n.IsNote() && n.Trashed() {
			out = append(out, core.TrashInfo{ID: id, Title: n.Title, Trashed: n.TrashedAt})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Trashed.Equal(out[j].Trashed) {
			return out[i].Trashed.After(out[j].Trashed)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func (f *fakeAPI) EmptyTrash() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("EmptyTrash"); err != nil {
		return err
	}
	for id, n := range f.notes {
		if n.Trashed() {
			delete(f.notes, id)
		}
	}
	return nil
}

func (f *fakeAPI) TrashDays() (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.trashDays == 0 {
		return 30, nil
	}
	return f.trashDays, nil
}

func (f *fakeAPI) SetTrashDays(days int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.trashDays = days
	return f.record("SetTrashDays")
}

func (f *fakeAPI) History(_ context.Context, id string) ([]core.Revision, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("History"); err != nil {
		return nil, err
	}
	rs := f.revs[id]
	out := make([]core.Revision, 0, len(rs))
	for i := len(rs) - 1; i >= 0; i-- {
		out = append(out, core.Revision{Rev: rs[i].rev, Time: rs[i].at, Size: int64(len(rs[i].n.Body))})
	}
	return out, nil
}

func (f *fakeAPI) RevisionNote(_ context.Context, id string, rev uint64) (*note.Note, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("RevisionNote"); err != nil {
		return nil, err
	}
	for _, r := range f.revs[id] {
		if r.rev == rev {
			cp := r.n
			return &cp, nil
		}
	}
	return nil, errors.New("no such revision")
}

func (f *fakeAPI) Restore(_ context.Context, id string, rev uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record(fmt.Sprintf("Restore %d", rev)); err != nil {
		return err
	}
	for _, r := range f.revs[id] {
		if r.rev == rev {
			cur, ok := f.notes[id]
			if !ok {
				return core.ErrNotFound
			}
			n := r.n
			n.Notebook, n.TrashedAt = cur.Notebook, cur.TrashedAt
			f.notes[id] = &n
			f.revs[id] = append(f.revs[id], fakeRev{rev: uint64(len(f.revs[id]) + 1), at: testNow, n: n})
			return nil
		}
	}
	return errors.New("no such revision")
}

// AutosaveFrom is Update (recorded as "Update") inside a typing session;
// the fake merges nothing (the real core's merge is tested with real cores).
func (f *fakeAPI) AutosaveFrom(id string, _, n *note.Note) (core.Saved, error) {
	if err := f.Update(id, n); err != nil {
		return core.Saved{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.typing == nil {
		f.typing = map[string]bool{}
	}
	f.typing[id] = true
	cp := *n
	return core.Saved{ID: id, Note: &cp}, nil
}

func (f *fakeAPI) EndTyping(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "EndTyping "+id)
	if id == "" {
		clear(f.typing)
	} else {
		delete(f.typing, id)
	}
}

package cli

import (
	"sort"

	"cipherleaf.dev/client/core"
)

const (
	nb1 = "00000000-0000-4000-8000-0000000000b1"
	nb2 = "00000000-0000-4000-8000-0000000000b2"
)

func (f *fakeCore) Trash(id string) error   { return f.call("Trash %s", id) }
func (f *fakeCore) Untrash(id string) error { return f.call("Untrash %s", id) }

func (f *fakeCore) TrashList() []core.TrashInfo {
	f.call("TrashList")
	var out []core.TrashInfo
	for id, n := range f.notes {
		if n.Trashed() {
			out = append(out, core.TrashInfo{ID: id, Title: n.Title, Trashed: n.TrashedAt})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Trashed.After(out[j].Trashed) })
	return out
}

func (f *fakeCore) EmptyTrash() error { return f.call("EmptyTrash") }

func (f *fakeCore) TrashDays() (int, error) {
	if err := f.call("TrashDays"); err != nil {
		return 0, err
	}
	return 30, nil
}

func (f *fakeCore) SetTrashDays(d int) error { return f.call("SetTrashDays %d", d) }

func (f *fakeCore) Notebooks() []core.NotebookInfo {
	f.call("Notebooks")
	return []core.NotebookInfo{{ID: nb1, Name: "Work", Path: "Work"}, {ID: nb2, Name: "P\tx", Parent: nb1, Path: "Work/P\tx"}}
}

func (f *fakeCore) CreateNotebook(name, parent string) (string, error) {
	if err := f.call("CreateNotebook %q %q", name, parent); err != nil {
		return "", err
	}
	return nb1, nil
}

func (f *fakeCore) MoveNotebook(id, parent string) error {
	return f.call("MoveNotebook %s %q", id, parent)
}

func (f *fakeCore) DeleteNotebook(id string, trashNotes bool) error {
	return f.call("DeleteNotebook %s %v", id, trashNotes)
}

func (f *fakeCore) MoveNote(id, nb string) error { return f.call("MoveNote %s %q", id, nb) }

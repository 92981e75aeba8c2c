package core_test

import (
	"reflect"
	"testing"

	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/shared/note"
)

// TestOverview: the one read the app's sidebar and list make equals the
// separate reads (List, Notebooks, TrashList, Conflicts), with notebooks,
// trashed notes, a conflicted copy and the settings item in the vault.
func TestOverview(t *testing.T) {
	srv := fakeremote.New()
	c := device(t, srv, t.TempDir())
	register(t, c, srv, "over", "pw")
	if ov := c.Overview(); len(ov.Notes) != 0 || len(ov.Notebooks) != 0 || ov.Trashed != 0 || ov.Conflicts != 0 {
		t.Fatalf("Overview() of an empty vault = %+v, want nothing", ov)
	}
	work, err := c.CreateNotebook("Work", "")
	if err != nil {
		t.Fatal(err)
	}
	proj, err := c.CreateNotebook("Projects", work)
	if err != nil {
		t.Fatal(err)
	}
	a := create(t, c, "a", "in projects")
	if err := c.MoveNote(a, proj); err != nil {
		t.Fatal(err)
	}
	create(t, c, "b", "at the root")
	gone := create(t, c, "gone", "trashed")
	if err := c.Trash(gone); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(&note.Note{Title: "a (conflict)", Body: "theirs", ConflictOf: a}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetTrashDays(7); err != nil {
		t.Fatal(err)
	}

	ov := c.Overview()
	if got, want := ov.Notes, c.List(); !reflect.DeepEqual(got, want) {
		t.Errorf("Overview().Notes = %+v,\nwant List() = %+v", got, want)
	}
	if got, want := ov.Notebooks, c.Notebooks(); !reflect.DeepEqual(got, want) {
		t.Errorf("Overview().Notebooks = %+v, want Notebooks() = %+v", got, want)
	}
	if got, want := ov.Trashed, len(c.TrashList()); got != want || got != 1 {
		t.Errorf("Overview().Trashed = %d, want len(TrashList()) = %d = 1", got, want)
	}
	if got, want := ov.Conflicts, len(c.Conflicts()); got != want || got != 1 {
		t.Errorf("Overview().Conflicts = %d, want len(Conflicts()) = %d = 1", got, want)
	}
	if len(ov.Notes) != 3 || len(ov.Notebooks) != 2 {
		t.Errorf("Overview() has %d notes, %d notebooks, want 3 and 2", len(ov.Notes), len(ov.Notebooks))
	}
}

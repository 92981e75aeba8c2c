package core_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
)

func paths(c *core.Core) map[string]string {
	out := map[string]string{}
	for _, nb := range c.Notebooks() {
		out[nb.ID] = nb.Path
	}
	return out
}

func place(t *testing.T, c *core.Core, id string) core.NoteInfo {
	t.Helper()
	for _, ni := range c.List() {
		if ni.ID == id {
			return ni
		}
	}
	t.Fatalf("note %s not listed", id)
	return core.NoteInfo{}
}

// TestE2ENotebooks: two devices against the real server. Concurrent moves
// that would make a cycle resolve to the same tree without one; a notebook
// deleted on one device while a note is moved into it on the other leaves
// the note at the root on both; removing a notebook moves its notes up.
func TestE2ENotebooks(t *testing.T) {
	s := startServer(t)
	clkA := &clock{t: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	clkB := &clock{t: clkA.t}
	a, b := clockedDevice(t, clkA), clockedDevice(t, clkB)
	realRegister(t, a, s, "shelves", "pw")
	realLogin(t, b, s, "shelves", "pw")

	work, err := a.CreateNotebook("Work", "")
	if err != nil {
		t.Fatalf("CreateNotebook: %v", err)
	}
	home, _ := a.CreateNotebook("Home", "")
	proj, err := a.CreateNotebook("Projects", work)
	if err != nil {
		t.Fatalf("CreateNotebook(parent): %v", err)
	}
	if _, err := a.CreateNotebook("x", "00000000-0000-4000-8000-000000000009"); !errors.Is(err, core.ErrNoNotebook) {
		t.Errorf("CreateNotebook(unknown parent) = %v, want ErrNoNotebook", err)
	}
	n1 := create(t, a, "plan", "the plan")
	if err := a.MoveNote(n1, proj); err != nil {
		t.Fatalf("MoveNote: %v", err)
	}
	if err := a.MoveNotebook(work, proj); !errors.Is(err, core.ErrNotebookCycle) {
		t.Errorf("MoveNotebook(work into its child) = %v, want ErrNotebookCycle", err)
	}
	mustSync(t, a)
	mustSync(t, b)
	want := map[string]string{work: "Work", home: "Home", proj: "Work/Projects"}
	if got := paths(b); !mapsEqual(got, want) {
		t.Fatalf("b: Notebooks() = %v, want %v", got, want)
	}
	if ni := place(t, b, n1); ni.Notebook != proj || ni.NotebookPath != "Work/Projects" {
		t.Fatalf("b: note place = %q %q, want Projects", ni.Notebook, ni.NotebookPath)
	}
	if got := b.ListNotebook(proj); len(got) != 1 || got[0].ID != n1 {
		t.Errorf("b: ListNotebook(proj) = %v, want [%s]", got, n1)
	}

	// Concurrent moves: Work into Home on a, Home into Work on b.
	clkA.t, clkB.t = clkA.t.Add(time.Minute), clkA.t.Add(2*time.Minute)
	if err := a.MoveNotebook(work, home); err != nil {
		t.Fatalf("a: MoveNotebook: %v", err)
	}
	if err := b.MoveNotebook(home, work); err != nil {
		t.Fatalf("b: MoveNotebook: %v", err)
	}
	mustSync(t, a)
	mustSync(t, b)
	mustSync(t, a)
	pa, pb := paths(a), paths(b)
	if !mapsEqual(pa, pb) {
		t.Fatalf("devices disagree: a %v, b %v", pa, pb)
	}
	// The written parents form a cycle; the smallest id goes to the root.
	first, second := min(work, home), max(work, home)
	names := map[string]string{work: "Work", home: "Home"}
	if pa[first] != names[first] || pa[second] != names[first]+"/"+names[second] {
		t.Fatalf("after concurrent moves: %v, want %s at the root and %s below it", pa, names[first], names[second])
	}
	if len(a.Notebooks()) != 3 || len(a.List()) != 1 {
		t.Fatalf("a: %d notebooks, %d notes, want 3 and 1", len(a.Notebooks()), len(a.List()))
	}

	// A notebook deleted on a while b moves a note into it.
	n2 := create(t, b, "loose", "loose note")
	mustSync(t, b)
	mustSync(t, a)
	clkA.t, clkB.t = clkA.t.Add(time.Hour), clkB.t.Add(time.Hour)
	if err := a.DeleteNotebook(proj, false); err != nil {
		t.Fatalf("a: DeleteNotebook: %v", err)
	}
	if err := b.MoveNote(n2, proj); err != nil {
		t.Fatalf("b: MoveNote: %v", err)
	}
	mustSync(t, a)
	mustSync(t, b)
	mustSync(t, a)
	for name, d := range map[string]*core.Core{"a": a, "b": b} {
		if _, ok := paths(d)[proj]; ok {
			t.Errorf("%s: deleted notebook still listed", name)
		}
		if ni := place(t, d, n2); ni.Notebook != "" || ni.NotebookPath != "" {
			t.Errorf("%s: note moved into a deleted notebook is at %q, want the root", name, ni.NotebookPath)
		}
		// n1 was in Projects: removing it moved it to Projects' parent, Work.
		if ni := place(t, d, n1); ni.Notebook != work {
			t.Errorf("%s: note of the removed notebook is at %q, want Work", name, ni.NotebookPath)
		}
	}

	// notebook rm --trash-notes; then the Markdown export writes folders.
	if err := b.DeleteNotebook(work, true); err != nil {
		t.Fatalf("DeleteNotebook(trash notes): %v", err)
	}
	if tl := b.TrashList(); len(tl) != 1 || tl[0].ID != n1 {
		t.Fatalf("b: TrashList() = %+v, want %s", tl, n1)
	}
	sub, err := b.CreateNotebook("Sub/dir", home)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.MoveNote(n2, sub); err != nil {
		t.Fatal(err)
	}
	if err := b.RenameNotebook(home, "Casa"); err != nil {
		t.Fatalf("RenameNotebook: %v", err)
	}
	if err := b.RenameNotebook(home, " "); !errors.Is(err, core.ErrNotebookName) {
		t.Errorf("RenameNotebook(blank) = %v, want ErrNotebookName", err)
	}
	mustSync(t, b)
	mustSync(t, a)
	if got := paths(a)[sub]; got != "Casa/Sub∕dir" {
		t.Errorf("a: path after rename on b = %q, want Casa/Sub∕dir", got)
	}
	dir := t.TempDir()
	if err := b.ExportMarkdown(dir); err != nil {
		t.Fatalf("ExportMarkdown: %v", err)
	}
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			r, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(r))
		}
		return err
	})
	if wantFiles := []string{"Casa/Sub_dir/" + n2 + ".md"}; !slices.Equal(files, wantFiles) {
		t.Errorf("exported %v, want %v", files, wantFiles)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

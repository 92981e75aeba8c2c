package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/note"
)

// benchOrg is the 10,000-note bench vault sorted into 1,000 notebooks
// (100 at the top, 9 inside each), answered from prepared slices like the
// real core's in-memory lists.
type benchOrg struct {
	*benchNotes
	nbs []core.NotebookInfo
}

// AutosaveFrom goes to the bench vault (benchNotes.Update), not the
// embedded fake, for every GUI benchmark.
func (bn *benchNotes) AutosaveFrom(id string, _, n *note.Note) (core.Saved, error) {
	if err := bn.Update(id, n); err != nil {
		return core.Saved{}, err
	}
	return core.Saved{ID: id, Note: n}, nil
}

func (bo *benchOrg) Notebooks() []core.NotebookInfo {
	return append([]core.NotebookInfo(nil), bo.nbs...)
}

func (bo *benchOrg) Overview() core.Overview {
	return core.Overview{Notes: bo.List(), Notebooks: bo.Notebooks()}
}

func newBenchOrg(b *testing.B) *benchOrg {
	bo := &benchOrg{benchNotes: newBenchNotes(b)}
	for i, nb := range benchNotebooks() {
		info := core.NotebookInfo{ID: fmt.Sprintf("nb%04d", i), Name: nb.name, Path: nb.name}
		if nb.parent >= 0 {
			p := bo.nbs[nb.parent]
			info.Parent, info.Path = p.ID, p.Path+"/"+nb.name
		}
		bo.nbs = append(bo.nbs, info)
	}
	for i := range bo.sorted {
		nb := bo.nbs[i%len(bo.nbs)]
		bo.sorted[i].Notebook, bo.sorted[i].NotebookPath = nb.ID, nb.Path
	}
	return bo
}

// BenchmarkSidebarBuild builds the sidebar for 1,000 notebooks and 10,000
// notes: the model (tree, counts, tags) from the lists of a fake core that
// answers from prepared slices (copied, as the real core's are made), and
// the tree widget with every branch open, laid out in the window.
// BenchmarkSidebarRealCore is the same on the real core, its reads
// included.
func BenchmarkSidebarBuild(b *testing.B) {
	bo := newBenchOrg(b)
	h := newBenchUI(b, bo)
	w := test.NewWindow(nil)
	defer w.Close()
	w.Resize(fyne.NewSize(navWidth, 800))
	timed(b, func(int) {
		s := newSidebar(h.u)
		s.tree.OpenAllBranches()
		w.SetContent(s.content)
	})
	s := h.u.main.side
	if len(s.model.notebooks) != 1000 || len(s.model.children[""]) != 100 || s.model.counts[bo.nbs[0].ID] != 10 {
		b.Fatalf("sidebar model: %d notebooks, %d at the top, %d notes in the first", len(s.model.notebooks), len(s.model.children[""]), s.model.counts[bo.nbs[0].ID])
	}
}

// BenchmarkHistoryList500 opens the history of a note with 500 revisions:
// the list shown, the revisions of the rows on screen opened for their
// device names, and the newest one's diff drawn.
func BenchmarkHistoryList500(b *testing.B) {
	bo := newBenchOrg(b)
	id := bo.sorted[0].ID
	body := bo.byID[id].Body
	for r := 0; r < 500; r++ {
		bo.addRevision(id, testNow.Add(-time.Duration(500-r)*time.Minute),
			note.Note{Title: "t", Body: fmt.Sprintf("%s\nedit %d", body, r), Device: "Laptop"})
	}
	h := newBenchUI(b, bo)
	m := h.u.main
	m.open(id)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.showHistory()
		h.settle()
		if len(m.history.revs) != 500 || len(m.history.opened) < 5 || !strings.HasPrefix(m.history.summary.Text, "Compared with now") {
			b.Fatalf("history shows %d revisions, %d opened", len(m.history.revs), len(m.history.opened))
		}
		b.StopTimer()
		m.closeHistory()
		h.settle()
		b.StartTimer()
	}
}

package ui

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/search"
	"cipherleaf.dev/shared/note"
)

// benchNotes is the fake core with a 10,000-note vault that answers like
// the real one: the list pre-sorted and searches through the real index,
// so the benchmarks measure the window, not a slow fake.
type benchNotes struct {
	*fakeAPI
	mu     sync.Mutex
	sorted []core.NoteInfo
	byID   map[string]*note.Note
	ix     *search.Index
}

const benchVault = 10000

func newBenchNotes(b *testing.B) *benchNotes {
	b.Helper()
	f := newFakeAPI().withAccount("pw")
	f.locked = false
	bn := &benchNotes{fakeAPI: f, byID: map[string]*note.Note{}, ix: search.New()}
	for i := 0; i < benchVault; i++ {
		n := benchNote(i)
		id := fmt.Sprintf("n%05d", i)
		bn.byID[id] = n
		bn.sorted = append(bn.sorted, core.NoteInfo{ID: id, Title: n.Title, Snippet: firstLine(n.Body), Tags: n.Tags, Modified: n.Modified})
		bn.ix.Put(search.Doc{ID: id, Title: n.Title, Body: n.Body, Tags: n.Tags, Modified: n.Modified})
	}
	return bn
}

// benchWords are the words of the bench vault's notes.
var benchWords = strings.Fields("garden lisbon tram groceries plan budget meeting recipe travel book idea music code draft letter")

// benchNote is note i of the bench vault (on the fake and the real core):
// a title, a body of 12 lines, two tags, modified i minutes before
// testNow; no notebook.
func benchNote(i int) *note.Note {
	w := benchWords
	return &note.Note{
		Title:    fmt.Sprintf("%s %s note %d", w[i%len(w)], w[(i/7)%len(w)], i),
		Body:     strings.Repeat(fmt.Sprintf("%s line %d about %s.\n", w[(i/3)%len(w)], i, w[(i/11)%len(w)]), 12),
		Tags:     []string{w[i%5], w[5+i%4]},
		Modified: testNow.Add(-time.Duration(i) * time.Minute),
	}
}

// benchNotebook is one notebook of the bench vault's tree.
type benchNotebook struct {
	name   string
	parent int // index of the parent in benchNotebooks, or -1 at the top
}

// benchNotebooks is the bench vault's tree of 1,000 notebooks, parents
// first: 100 areas at the top, 9 projects inside each. Note i of the
// vault goes in notebook i%1000.
func benchNotebooks() []benchNotebook {
	var nbs []benchNotebook
	for top := 0; top < 100; top++ {
		t := len(nbs)
		nbs = append(nbs, benchNotebook{name: fmt.Sprintf("Area %03d", top), parent: -1})
		for c := 1; c < 10; c++ {
			nbs = append(nbs, benchNotebook{name: fmt.Sprintf("Project %d", c), parent: t})
		}
	}
	return nbs
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return first
}

func (bn *benchNotes) List() []core.NoteInfo {
	bn.mu.Lock()
	defer bn.mu.Unlock()
	return append([]core.NoteInfo(nil), bn.sorted...)
}

func (bn *benchNotes) Search(q string) []core.NoteInfo {
	ids := bn.ix.Query(q, 0)
	bn.mu.Lock()
	defer bn.mu.Unlock()
	out := make([]core.NoteInfo, 0, len(ids))
	for _, id := range ids {
		n := bn.byID[id]
		out = append(out, core.NoteInfo{ID: id, Title: n.Title, Snippet: firstLine(n.Body), Tags: n.Tags, Modified: n.Modified})
	}
	return out
}

func (bn *benchNotes) Conflicts() []core.NoteInfo { return nil }

func (bn *benchNotes) Overview() core.Overview { return core.Overview{Notes: bn.List()} }

func (bn *benchNotes) Get(id string) (*note.Note, error) {
	bn.mu.Lock()
	defer bn.mu.Unlock()
	n, ok := bn.byID[id]
	if !ok {
		return nil, fmt.Errorf("no note %s", id)
	}
	cp := *n
	return &cp, nil
}

func (bn *benchNotes) Update(id string, n *note.Note) error {
	bn.mu.Lock()
	defer bn.mu.Unlock()
	cp := *n
	bn.byID[id] = &cp
	return nil
}

// benchHarness is a harness on the notes screen of the 10,000-note vault.
func benchHarness(b *testing.B) (*harness, *benchNotes) {
	b.Helper()
	bn := newBenchNotes(b)
	return newBenchUI(b, bn), bn
}

// newBenchUI is newHarness for a benchmark.
func newBenchUI(b *testing.B, api Core) *harness {
	a := test.NewTempApp(b)
	clock := newFakeClock()
	u := New(a, api, Options{Now: clock.Now, AfterFunc: clock.AfterFunc, Size: fyne.NewSize(1280, 800)})
	h := &harness{api: api, clock: clock, app: a, u: u, ready: make(chan struct{}, 1)}
	u.do, u.doAndWait = h.post, h.postAndWait
	u.taskDone = h.signal
	u.Show()
	h.settle()
	b.Cleanup(func() {
		h.settle()
		u.shutdown()
		u.win.Close()
	})
	return h
}

// settle runs queued UI work until no background task is left.
func (h *harness) settle() {
	for {
		h.drain()
		if h.u.inflight.Load() == 0 && !h.drain() {
			return
		}
		<-h.ready
	}
}

// BenchmarkSearchKeystroke is one key typed in the search field of a
// 10,000-note vault, up to the list showing the new results (query,
// rows rebound, list laid out). The "painted" variant also draws the
// window once with the software painter.
func BenchmarkSearchKeystroke(b *testing.B) {
	for _, paint := range []bool{false, true} {
		name := "list-updated"
		if paint {
			name = "painted"
		}
		b.Run(name, func(b *testing.B) {
			h, _ := benchHarness(b)
			l := h.u.main.list
			h.u.win.Canvas().Focus(l.search)
			keys := []string{"g", "a", "r", "d"}
			timed(b, func(i int) {
				if i%5 == 4 {
					l.search.SetText("") // back to all notes: also one update
				} else {
					l.search.TypedRune(rune(keys[i%5][0]))
				}
				if paint {
					h.u.win.Canvas().(test.WindowlessCanvas).Capture()
				}
			})
		})
	}
}

// BenchmarkEditorKeystroke is one key typed in the body: the autosave
// scheduled and the note's row in the list updated.
func BenchmarkEditorKeystroke(b *testing.B) {
	h, _ := benchHarness(b)
	body := h.u.main.editor.body
	h.u.win.Canvas().Focus(body)
	timed(b, func(int) { body.TypedRune('x') })
	if !h.u.main.saver.Pending() || !strings.HasPrefix(h.u.main.list.model.items[0].Snippet, "x") {
		b.Fatalf("typing did not schedule a save and update the row: pending %v, open %q, row %+v", h.u.main.saver.Pending(), h.u.main.editor.id, h.u.main.list.model.items[0])
	}
}

// BenchmarkOpenLargeNote opens a note with a 100 KiB body (alternating
// between two, so every open fills the editor).
func BenchmarkOpenLargeNote(b *testing.B) {
	h, bn := benchHarness(b)
	line := "A fairly ordinary line of a long note, with **some** markdown and a [link](https://example.org).\n"
	big := strings.Repeat(line, 100<<10/len(line)+1)[:100<<10]
	ids := []string{"n00001", "n00002"}
	for _, id := range ids {
		bn.byID[id].Body = big
	}
	m := h.u.main
	timed(b, func(i int) { m.open(ids[i%2]) })
	if len(m.editor.body.Text) != 100<<10 {
		b.Fatalf("editor holds %d bytes", len(m.editor.body.Text))
	}
}

// timed runs op b.N times and reports, besides the mean (ns/op), the
// median of the single runs (ms-median), the figure the speed goals are
// set in: one slow run (a collection, another process) moves it little.
func timed(b *testing.B, op func(i int)) {
	b.Helper()
	took := make([]time.Duration, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		op(i)
		took[i] = time.Since(start)
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms-median")
}

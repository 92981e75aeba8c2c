package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/note"
)

// historyView is a note's revision history (SPEC §12.4): the revisions the
// server keeps with their times and the device that wrote each, the one
// picked shown as a line diff against the current note, and Restore, which
// makes it current as a new revision.
//
// Device names are inside each revision's encrypted payload, so the view
// fetches and opens a revision when its row is first shown (and the one
// picked), one at a time, and fills the rows in as they arrive: a history
// of 500 revisions costs the dozen fetches of the rows on screen.
type historyView struct {
	m      *mainView
	id     string
	cur    *note.Note
	revs   []core.Revision
	opened map[uint64]*note.Note
	failed map[uint64]error
	sel    int // -1 none
	start  int // the row picked once loaded; -1 the oldest
	cancel context.CancelFunc
	ctx    context.Context

	// The revisions to fetch, in the order asked for; the fetcher runs
	// while fetching is set. Both are touched on the UI thread only.
	asked    map[uint64]bool
	queue    []int
	fetching bool

	list      *keyList
	state     *widget.Label
	summary   *widget.Label
	restoreBt *widget.Button
	backBt    *widget.Button
	left      *fyne.Container
	right     *fyne.Container
	content   fyne.CanvasObject
}

// showHistory opens the history of the open note in place of the list and
// the editor.
func (m *mainView) showHistory() {
	m.u.touch()
	id := m.editor.id
	if id == "" || m.history != nil {
		return
	}
	m.editor.flush()
	cur, err := m.u.api.Get(id)
	if err != nil {
		m.u.showError("Couldn't open the history", err)
		return
	}
	h := newHistoryView(m, id, cur)
	m.closeTrash()
	m.history = h
	m.setCenter(h.content)
	m.u.win.Canvas().Focus(h.list)
	h.load()
}

// closeHistory goes back to the note.
func (m *mainView) closeHistory() {
	h := m.history
	if h == nil {
		return
	}
	h.cancel()
	m.history = nil
	m.setCenter(nil)
	m.notesChanged()
	if _, err := m.u.api.Get(h.id); err == nil {
		m.open(h.id)
		m.editor.focusBody()
	}
}

func newHistoryView(m *mainView, id string, cur *note.Note) *historyView {
	h := &historyView{m: m, id: id, cur: cur, opened: map[uint64]*note.Note{}, failed: map[uint64]error{}, sel: -1,
		asked: map[uint64]bool{}, ctx: context.Background(),
		state: widget.NewLabel("Loading the history…"), summary: widget.NewLabel("")}
	h.cancel = func() {}
	h.state.Truncation = fyne.TextTruncateEllipsis // one line: a wrapped label overlaps the list below it
	h.summary.Wrapping = fyne.TextWrapWord
	h.list = newKeyList(
		func() int { return len(h.revs) },
		func() fyne.CanvasObject {
			when := widget.NewLabel("14 Mar 2025, 10:30")
			when.TextStyle.Bold = true
			return container.NewVBox(when, caption("Device name"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(h.revs) {
				c := o.(*fyne.Container)
				c.Objects[0].(*widget.Label).SetText(revisionTime(m.u.now(), h.revs[i].Time))
				c.Objects[1].(*widget.Label).SetText(h.device(h.revs[i].Rev))
				h.want(i, false)
			}
		})
	h.list.OnSelected = func(i widget.ListItemID) { h.pick(i) }
	h.list.onKey = func(ev *fyne.KeyEvent) bool {
		switch ev.Name {
		case fyne.KeyDown:
			if h.sel+1 < len(h.revs) {
				h.list.Select(h.sel + 1)
			}
		case fyne.KeyUp:
			if h.sel > 0 {
				h.list.Select(h.sel - 1)
			}
		case fyne.KeyEscape:
			m.closeHistory()
		default:
			return false
		}
		return true
	}
	h.backBt = widget.NewButtonWithIcon("Back to the note", theme.NavigateBackIcon(), m.closeHistory)
	h.restoreBt = widget.NewButtonWithIcon("Restore this version", theme.HistoryIcon(), h.restore)
	h.restoreBt.Importance = widget.HighImportance
	h.restoreBt.Disable()
	h.left, h.right = container.NewStack(), container.NewStack()

	head := container.NewVBox(container.NewBorder(nil, nil, h.backBt, nil,
		subheading("History of “"+displayTitle(cur.Title)+"”")), widget.NewSeparator())
	side := withMinSize(190, 0, container.New(layout.NewBorderLayout(h.state, nil, nil, nil), h.state, h.list.framed(m.u.touch)))
	cols := container.NewGridWithColumns(2,
		container.NewBorder(subheading("This version"), nil, nil, nil, container.NewVScroll(h.left)),
		container.NewBorder(subheading("Now"), nil, nil, nil, container.NewVScroll(h.right)))
	diff := container.NewBorder(container.NewBorder(nil, nil, nil, h.restoreBt, h.summary), nil, nil, nil, cols)
	// Tab order: back, the revisions, restore.
	h.content = container.New(layout.NewBorderLayout(head, nil, side, nil), head, side, diff)
	return h
}

// revisionTime is a revision's time in full, in the clock's zone.
func revisionTime(now, t time.Time) string {
	t = t.In(now.Location())
	switch {
	case sameDay(now, t):
		return "Today, " + t.Format("15:04:05")
	case sameDay(now.AddDate(0, 0, -1), t):
		return "Yesterday, " + t.Format("15:04:05")
	}
	return t.Format("Mon 2 Jan 2006, 15:04")
}

// device is what a row says about the device that wrote revision rev.
func (h *historyView) device(rev uint64) string {
	if h.failed[rev] != nil {
		return "Can't be opened"
	}
	n, ok := h.opened[rev]
	switch {
	case !ok:
		return "…"
	case n.Device == "":
		return "Unknown device"
	}
	return n.Device
}

// load lists the revisions, then opens them one by one in the background.
func (h *historyView) load() {
	ctx, cancel := context.WithCancel(context.Background())
	h.ctx, h.cancel = ctx, cancel
	api := h.m.u.api
	h.m.u.background(func() func() {
		revs, err := api.History(ctx, h.id)
		return func() {
			if h.m.history != h {
				return
			}
			if err != nil {
				h.state.SetText("No versions")
				h.summary.SetText("The history can't be shown. " + words(err))
				return
			}
			h.revs = revs
			if len(revs) == 0 {
				h.state.SetText("No versions")
				h.summary.SetText("The server keeps no earlier versions of this note yet: it has not been synced.")
				return
			}
			h.state.SetText(countText(len(revs), "version", "versions") + ", newest first")
			h.list.Refresh()
			if h.start < 0 || h.start >= len(revs) {
				h.start = len(revs) - 1
			}
			h.list.Select(h.start)
		}
	})
}

// want asks for row i's revision to be fetched and opened, once; a
// picked row goes first.
func (h *historyView) want(i int, first bool) {
	r := h.revs[i].Rev
	if h.asked[r] {
		return
	}
	h.asked[r] = true
	if first {
		h.queue = append([]int{i}, h.queue...)
	} else {
		h.queue = append(h.queue, i)
	}
	if h.fetching {
		return
	}
	h.fetching = true
	api, ctx := h.m.u.api, h.ctx
	h.m.u.background(func() func() {
		for {
			var i int
			var rev uint64
			more := false
			h.m.u.doAndWait(func() {
				if more = len(h.queue) > 0 && h.m.history == h; more {
					i, h.queue = h.queue[0], h.queue[1:]
					rev = h.revs[i].Rev
				} else {
					h.fetching = false
				}
			})
			if !more {
				return nil
			}
			n, err := api.RevisionNote(ctx, h.id, rev)
			if ctx.Err() != nil {
				h.m.u.doAndWait(func() { h.fetching = false })
				return nil
			}
			h.m.u.doAndWait(func() { h.opened1(i, rev, n, err) })
		}
	})
}

// opened1 records revision rev (row i), opened or not.
func (h *historyView) opened1(i int, rev uint64, n *note.Note, err error) {
	if h.m.history != h {
		return
	}
	if err != nil {
		h.failed[rev] = err
	} else {
		h.opened[rev] = n
	}
	h.list.RefreshItem(i)
	if i == h.sel {
		h.show()
	}
}

// pick shows row i.
func (h *historyView) pick(i int) {
	h.m.u.touch()
	if i < 0 || i >= len(h.revs) {
		return
	}
	h.sel = i
	h.want(i, true)
	h.show()
}

// show draws the diff of the picked revision against the current note.
func (h *historyView) show() {
	r := h.revs[h.sel]
	h.restoreBt.Disable()
	if err := h.failed[r.Rev]; err != nil {
		h.summary.SetText("This version can't be opened. " + words(err))
		h.setDiff(nil, nil)
		return
	}
	n, ok := h.opened[r.Rev]
	if !ok {
		h.summary.SetText("Opening this version…")
		h.setDiff(nil, nil)
		return
	}
	left, right := lineDiff(withNewline(n.Body), withNewline(h.cur.Body))
	removed, added := changedCount(left), changedCount(right)
	var text string
	switch {
	case removed == 0 && added == 0 && n.Title == h.cur.Title:
		text = "Same as now."
	case removed == 0 && added == 0:
		text = "Same text as now; the title was “" + displayTitle(n.Title) + "”."
	default:
		text = "Compared with now: " + countText(removed, "line", "lines") + " only in this version (−), " +
			countText(added, "line", "lines") + " only now (+)."
		if n.Title != h.cur.Title {
			text += " Title then: “" + displayTitle(n.Title) + "”."
		}
		h.restoreBt.Enable()
	}
	if n.Title != h.cur.Title {
		h.restoreBt.Enable()
	}
	h.summary.SetText(text)
	h.setDiff(diffText(left, "−", theme.ColorNameError), diffText(right, "+", theme.ColorNameSuccess))
}

// withNewline ends s with a newline, so a last line compares equal
// whether or not a newline followed it.
func withNewline(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

func (h *historyView) setDiff(l, r fyne.CanvasObject) {
	h.left.Objects, h.right.Objects = nil, nil
	if l != nil {
		h.left.Objects, h.right.Objects = []fyne.CanvasObject{l}, []fyne.CanvasObject{r}
	}
	h.left.Refresh()
	h.right.Refresh()
}

// restore makes the picked revision current, as a new revision.
func (h *historyView) restore() {
	h.m.u.touch()
	if h.sel < 0 {
		return
	}
	r := h.revs[h.sel]
	h.restoreBt.Disable()
	api := h.m.u.api
	h.m.u.background(func() func() {
		err := api.Restore(context.Background(), h.id, r.Rev)
		return func() {
			if h.m.history != h {
				return
			}
			if err != nil {
				h.restoreBt.Enable()
				h.m.u.showError("Couldn't restore this version", err)
				return
			}
			h.m.closeHistory()
			h.m.status.saveState("Restored the version of "+revisionTime(h.m.u.now(), r.Time), nil)
		}
	})
}

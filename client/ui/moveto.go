package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// topLevel is how "Move to…" names the place outside every notebook.
const topLevel = "No notebook (All notes)"

// moveTo is the "Move to…" picker (Ctrl+Shift+M): a field that
// fuzzy-matches notebook paths, Up/Down to pick and Enter to move the open
// note there.
type moveTo struct {
	ids     []string // "" = top level, then notebook ids by path
	paths   []string
	matches []int
	sel     int

	query *entry
	list  *widget.List
	d     *dialog.CustomDialog
}

// showMoveTo opens the picker for the open note.
func (m *mainView) showMoveTo() {
	m.u.touch()
	id := m.editor.id
	if id == "" || m.trash != nil || m.history != nil {
		return
	}
	m.editor.flush()
	p := &moveTo{ids: []string{""}, paths: []string{topLevel}}
	for _, nb := range m.u.api.Notebooks() {
		p.ids = append(p.ids, nb.ID)
		p.paths = append(p.paths, nb.Path)
	}
	p.query = newEntry(m.u.sc)
	p.query.SetPlaceHolder("Type part of a notebook's name")
	p.list = widget.NewList(
		func() int { return len(p.matches) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(p.matches) {
				o.(*widget.Label).SetText(p.paths[p.matches[i]])
			}
		})
	pick := func() {
		if p.sel < 0 || p.sel >= len(p.matches) {
			return
		}
		nb := p.ids[p.matches[p.sel]]
		p.d.Hide()
		m.moveNote(id, nb)
	}
	p.list.OnSelected = func(i widget.ListItemID) { p.sel = i }
	p.query.OnChanged = p.filter
	p.query.onKey = func(ev *fyne.KeyEvent) bool {
		switch ev.Name {
		case fyne.KeyDown:
			p.move(1)
		case fyne.KeyUp:
			p.move(-1)
		case fyne.KeyReturn, fyne.KeyEnter:
			pick()
		default:
			return false
		}
		return true
	}
	p.filter("")
	title := "Move “" + displayTitle(m.editor.title.Text) + "” to…"
	p.d = dialog.NewCustomWithoutButtons(title, container.NewBorder(p.query, nil, nil, nil, p.list), m.u.win)
	p.d.Resize(fitIn(fyne.NewSize(520, 420), m.u.win.Canvas().Size()))
	m.u.trackModal(p.d, pick)
	p.d.Show()
	m.u.win.Canvas().Focus(p.query)
}

// filter ranks the paths for q and selects the best.
func (p *moveTo) filter(q string) {
	if q == "" {
		p.matches = make([]int, len(p.paths))
		for i := range p.paths {
			p.matches[i] = i
		}
	} else {
		p.matches = fuzzyRank(q, p.paths)
	}
	p.sel = -1
	p.list.UnselectAll()
	p.list.Refresh()
	if len(p.matches) > 0 {
		p.list.Select(0)
	}
}

// move changes the selection by delta, staying within the matches.
func (p *moveTo) move(delta int) {
	if i := p.sel + delta; i >= 0 && i < len(p.matches) {
		p.list.Select(i)
		p.list.ScrollTo(i)
	}
}

// moveNote puts note id into notebook nb ("" = no notebook) and says so.
func (m *mainView) moveNote(id, nb string) {
	m.u.touch()
	m.editor.flush()
	if err := m.u.api.MoveNote(id, nb); err != nil {
		m.u.showError("Couldn't move the note", err)
		return
	}
	m.reloadLists()
	where := topLevel
	for _, n := range m.u.api.Notebooks() {
		if n.ID == nb {
			where = "“" + n.Path + "”"
		}
	}
	m.status.saveState("Moved to "+where, nil)
}

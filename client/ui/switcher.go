package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/core"
)

// maxSwitcherRows is how many matches the quick switcher lists.
const maxSwitcherRows = 50

// switcher is the quick switcher (Ctrl+P) and the link picker (Ctrl+K): a
// field that fuzzy-matches note titles, with Up/Down to pick and Enter to
// choose.
type switcher struct {
	notes   []core.NoteInfo
	titles  []string
	matches []int // indexes into notes, best first
	sel     int

	query *entry
	list  *widget.List
	d     *dialog.CustomDialog
}

// showSwitcher opens the switcher titled title; choose gets the note picked.
func (u *UI) showSwitcher(title, placeholder string, choose func(core.NoteInfo)) *switcher {
	s := &switcher{notes: u.api.List()}
	for _, n := range s.notes {
		s.titles = append(s.titles, displayTitle(n.Title))
	}
	s.query = newEntry(u.sc)
	s.query.SetPlaceHolder(placeholder)
	s.list = widget.NewList(
		func() int { return len(s.matches) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(s.matches) {
				o.(*widget.Label).SetText(s.titles[s.matches[i]])
			}
		})
	pick := func() {
		if s.sel < 0 || s.sel >= len(s.matches) {
			return
		}
		n := s.notes[s.matches[s.sel]]
		s.d.Hide()
		choose(n)
	}
	s.list.OnSelected = func(i widget.ListItemID) { s.sel = i }
	s.query.OnChanged = func(q string) { s.filter(q) }
	s.query.onKey = func(ev *fyne.KeyEvent) bool {
		switch ev.Name {
		case fyne.KeyDown:
			s.move(1)
		case fyne.KeyUp:
			s.move(-1)
		case fyne.KeyReturn, fyne.KeyEnter:
			pick()
		default:
			return false
		}
		return true
	}
	s.filter("")
	content := container.NewBorder(s.query, nil, nil, nil, s.list)
	s.d = dialog.NewCustomWithoutButtons(title, content, u.win)
	s.d.Resize(fitIn(fyne.NewSize(520, 420), u.win.Canvas().Size()))
	u.trackModal(s.d, pick)
	s.d.Show()
	u.win.Canvas().Focus(s.query)
	return s
}

// filter ranks the titles for query and selects the best.
func (s *switcher) filter(q string) {
	s.matches = fuzzyRank(q, s.titles)
	if len(s.matches) > maxSwitcherRows {
		s.matches = s.matches[:maxSwitcherRows]
	}
	s.sel = -1
	s.list.UnselectAll()
	s.list.Refresh()
	if len(s.matches) > 0 {
		s.list.Select(0)
	}
}

// move changes the selection by delta, staying within the matches.
func (s *switcher) move(delta int) {
	i := s.sel + delta
	if i < 0 || i >= len(s.matches) {
		return
	}
	s.list.Select(i)
}

package ui

import (
	"slices"
	"strconv"
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

// listModel is the note list's state: the search query and the rows it
// selects. It has no widgets and is tested on its own.
type listModel struct {
	api   Notes
	query string
	items []core.NoteInfo
	// keep, when set, is the sidebar's filter (a notebook or a tag) and
	// empty what the list says when it keeps nothing.
	keep  func(core.NoteInfo) bool
	empty string
	// conflicts counts the conflicted copies among all notes, read with
	// the rows.
	conflicts int
}

// Reload fetches the rows for the current query (all notes when empty).
func (m *listModel) Reload() { m.load(nil) }

// load is Reload that uses ov, a fresh read of the core, when it is given,
// instead of reading the notes again. The rows then are ov's notes (the
// sidebar reads them only while it is built; showEdit may change them).
func (m *listModel) load(ov *core.Overview) {
	q := strings.TrimSpace(m.query)
	switch {
	case q != "":
		m.items = m.api.Search(q)
		if ov != nil {
			m.conflicts = ov.Conflicts
		} else {
			m.conflicts = len(m.api.Conflicts())
		}
	case ov != nil:
		m.items, m.conflicts = ov.Notes, ov.Conflicts
	default:
		m.items = m.api.List()
		m.conflicts = 0
		for _, n := range m.items {
			if n.Conflict {
				m.conflicts++
			}
		}
	}
	if m.keep != nil {
		kept := make([]core.NoteInfo, 0, len(m.items)/4)
		for _, n := range m.items {
			if m.keep(n) {
				kept = append(kept, n)
			}
		}
		m.items = kept
	}
}

// SetQuery changes the query and reloads.
func (m *listModel) SetQuery(q string) {
	m.query = q
	m.Reload()
}

// Index is the row of note id, or -1.
func (m *listModel) Index(id string) int {
	for i, n := range m.items {
		if n.ID == id {
			return i
		}
	}
	return -1
}

// Conflicts counts the conflicted copies among all notes.
func (m *listModel) Conflicts() []core.NoteInfo { return m.api.Conflicts() }

// maxChips is how many tag chips a row shows before "+n".
const maxChips = 3

// noteList is the searchable sidebar: search field, conflict banner and a
// virtualized widget.List of notes.
type noteList struct {
	model    listModel
	now      func() time.Time
	selected string // id of the open note ("" none)

	search   *entry
	banner   *fyne.Container
	bannerBt *widget.Button
	list     *keyList
	empty    *widget.Label
	content  fyne.CanvasObject

	onOpen      func(id string)                   // a row was chosen
	onResolve   func(copyID string)               // the conflict banner was tapped
	onTouch     func()                            // any activity
	onEnter     func()                            // Enter on a row or in search: go to the editor
	focus       func(fyne.Focusable)              // the window's canvas Focus
	onConflicts func(n int)                       // the number of conflicts changed
	onTag       func(tag string)                  // a tag chip was clicked
	onDrop      func(id string, at fyne.Position) // a row was dragged and let go at at (absolute)
}

func newNoteList(api Notes, sc *shortcuts, now func() time.Time) *noteList {
	l := &noteList{model: listModel{api: api}, now: now}
	l.search = newEntry(sc)
	l.search.SetPlaceHolder("Search notes")
	l.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	l.search.OnChanged = func(q string) {
		l.touch()
		l.model.SetQuery(q)
		l.refresh()
	}

	l.search.onKey = l.searchKey

	l.list = newKeyList(
		func() int { return len(l.model.items) },
		func() fyne.CanvasObject { return newNoteRow(l) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(l.model.items) {
				o.(*noteRow).set(l.model.items[i], l.now())
				o.(*noteRow).index = i
			}
		})
	l.list.onKey = l.listKey
	l.list.OnSelected = func(i widget.ListItemID) {
		l.touch()
		if i < len(l.model.items) {
			id := l.model.items[i].ID
			if id != l.selected && l.onOpen != nil {
				l.onOpen(id)
			}
		}
	}

	l.bannerBt = widget.NewButtonWithIcon("", theme.NewWarningThemedResource(theme.WarningIcon()), func() {
		if c := l.model.Conflicts(); len(c) > 0 && l.onResolve != nil {
			l.onResolve(c[0].ID)
		}
	})
	l.banner = container.NewPadded(l.bannerBt)
	l.empty = widget.NewLabel("")
	l.empty.Alignment = fyne.TextAlignCenter
	l.empty.Wrapping = fyne.TextWrapWord
	l.empty.Importance = widget.LowImportance

	top := container.NewVBox(container.NewPadded(l.search), l.banner)
	// Built by hand so that the search field comes before the list in
	// the Tab order (NewBorder puts the centre first).
	l.content = container.New(layout.NewBorderLayout(top, nil, nil, nil), top,
		container.NewStack(l.list.framed(l.touch), container.NewVBox(l.empty, layout.NewSpacer())))
	l.model.Reload()
	l.refresh()
	return l
}

// redrawSearchIcon draws the search field's icon in the current theme's
// colours. Neither the entry nor the icon redraws it for a new theme (the
// icon skips a refresh whose resource is unchanged), so after switching
// to light the dark theme's white icon stayed, invisible.
func (l *noteList) redrawSearchIcon() {
	if icon, ok := l.search.ActionItem.(*widget.Icon); ok {
		icon.SetResource(nil)
		icon.SetResource(theme.SearchIcon())
	}
}

func (l *noteList) touch() {
	if l.onTouch != nil {
		l.onTouch()
	}
}

// reload re-reads the notes (after a change) and keeps the selection.
func (l *noteList) reload() {
	l.model.Reload()
	l.refresh()
}

// reloadFrom is reload with the notes of ov, read by the caller.
func (l *noteList) reloadFrom(ov *core.Overview) {
	l.model.load(ov)
	l.refresh()
}

// refresh redraws rows, banner and the empty state, keeping the open note
// selected when it is visible.
func (l *noteList) refresh() {
	n := l.model.conflicts
	if l.onConflicts != nil {
		l.onConflicts(n)
	}
	switch n {
	case 0:
		l.banner.Hide()
	case 1:
		l.bannerBt.SetText("1 conflict to resolve")
		l.banner.Show()
	default:
		l.bannerBt.SetText(itoa(n) + " conflicts to resolve")
		l.banner.Show()
	}
	switch {
	case len(l.model.items) > 0:
		l.empty.Hide()
	case strings.TrimSpace(l.model.query) != "":
		l.empty.SetText("No notes match “" + strings.TrimSpace(l.model.query) + "”.")
		l.empty.Show()
	case l.model.keep != nil:
		l.empty.SetText(l.model.empty)
		l.empty.Show()
	default:
		l.empty.SetText("No notes yet.\nPress Ctrl+N to write one.")
		l.empty.Show()
	}
	l.list.Refresh()
	l.selectID(l.selected)
}

// searchKey handles the search field's keys: Down enters the results,
// Enter opens the selected (or first) result in the editor, Esc clears
// the search.
func (l *noteList) searchKey(ev *fyne.KeyEvent) bool {
	switch ev.Name {
	case fyne.KeyDown:
		if len(l.model.items) == 0 {
			return true
		}
		l.focusList()
		if l.model.Index(l.selected) < 0 {
			l.list.Select(0)
		}
		return true
	case fyne.KeyReturn, fyne.KeyEnter:
		if len(l.model.items) == 0 {
			return true
		}
		if l.model.Index(l.selected) < 0 {
			l.list.Select(0)
		}
		if l.onEnter != nil {
			l.onEnter()
		}
		return true
	case fyne.KeyEscape:
		if l.search.Text == "" {
			return false
		}
		l.search.SetText("")
		return true
	}
	return false
}

// listKey handles the list's keys: Up and Down open the note above or
// below, Enter goes to the editor, Esc back to search.
func (l *noteList) listKey(ev *fyne.KeyEvent) bool {
	l.touch()
	i := l.model.Index(l.selected)
	switch ev.Name {
	case fyne.KeyDown:
		if i+1 < len(l.model.items) {
			l.list.Select(i + 1)
		}
	case fyne.KeyUp:
		if i > 0 {
			l.list.Select(i - 1)
		} else if i < 0 && len(l.model.items) > 0 {
			l.list.Select(0)
		}
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
		if i < 0 && len(l.model.items) > 0 {
			l.list.Select(0)
		}
		if l.onEnter != nil {
			l.onEnter()
		}
	case fyne.KeyEscape:
		l.focusSearch()
	default:
		return false
	}
	return true
}

func (l *noteList) focusList() {
	if l.focus != nil {
		l.focus(l.list)
	}
}

func (l *noteList) focusSearch() {
	if l.focus != nil {
		l.focus(l.search)
	}
}

// showEdit updates the row of note id while it is typed in, before the
// save: title, first line, tags and time, with the "Not synced" mark.
// Only that row is redrawn.
func (l *noteList) showEdit(id string, n *note.Note) {
	i := l.model.Index(id)
	if i < 0 {
		return
	}
	it := &l.model.items[i]
	first, _, _ := strings.Cut(strings.TrimSpace(n.Body), "\n")
	same := it.Title == n.Title && it.Snippet == first && slices.Equal(it.Tags, n.Tags) && it.Pending &&
		modifiedText(l.now(), it.Modified) == modifiedText(l.now(), n.Modified)
	it.Title, it.Snippet, it.Tags, it.Modified, it.Pending = n.Title, first, n.Tags, n.Modified, true
	if !same { // typing below the first line changes nothing the row shows
		l.list.RefreshItem(i)
	}
}

// selectID highlights note id without reopening it.
func (l *noteList) selectID(id string) {
	l.selected = id
	if i := l.model.Index(id); i >= 0 && id != "" {
		l.list.Select(i)
		return
	}
	l.list.UnselectAll()
}

// noteRow is one row of the list: title and badge, first line, modified
// time and tag chips.
type noteRow struct {
	widget.BaseWidget
	l       *noteList
	id      string // the note shown
	index   int    // its row
	dragAt  fyne.Position
	title   *widget.Label
	snippet *widget.Label
	when    *widget.Label
	chips   *fyne.Container
	badge   *fyne.Container
	icon    *widget.Icon
	badgeTx *widget.Label
	tags    []string // the tags the chips show
	shown   int      // the badge shown (badge*); badgeUnset before the first set
}

func newNoteRow(l *noteList) *noteRow {
	r := &noteRow{
		l:       l,
		title:   widget.NewLabel("Title"),
		snippet: widget.NewLabel("First line"),
		when:    caption("12:00"),
		chips:   container.NewHBox(),
		icon:    widget.NewIcon(nil),
		badgeTx: caption(""),
	}
	r.title.TextStyle = fyne.TextStyle{Bold: true}
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.snippet.Truncation = fyne.TextTruncateEllipsis
	r.snippet.Importance = widget.LowImportance
	r.badge = container.NewHBox(r.icon, r.badgeTx)
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer implements fyne.Widget.
func (r *noteRow) CreateRenderer() fyne.WidgetRenderer {
	tight := layout.NewCustomPaddedLayout(-4, -4, 0, 0)
	top := container.NewBorder(nil, nil, nil, r.badge, r.title)
	bottom := container.NewBorder(nil, nil, r.when, nil, container.New(layout.NewCustomPaddedLayout(6, 0, 0, 0), r.chips))
	return widget.NewSimpleRenderer(container.NewVBox(
		container.New(tight, top),
		container.New(tight, r.snippet),
		container.New(tight, bottom),
	))
}

// snippetRunes caps the first line handed to the snippet label: the row
// shows a few dozen characters, and the label shapes the whole text to
// find where to cut it, on every keystroke in a long first line.
const snippetRunes = 160

// set shows n. Each label is given new text only when its text changed:
// a label shapes its text again on every SetText, and typing redraws the
// open note's row on every key.
func (r *noteRow) set(n core.NoteInfo, now time.Time) {
	r.id = n.ID
	setText(r.title, displayTitle(n.Title))
	snippet := strings.TrimSpace(n.Snippet)
	if snippet == "" {
		snippet = "No text"
	}
	if len(snippet) > snippetRunes {
		if rs := []rune(snippet); len(rs) > snippetRunes {
			snippet = string(rs[:snippetRunes])
		}
	}
	setText(r.snippet, snippet)
	setText(r.when, modifiedText(now, n.Modified))

	if !slices.Equal(r.tags, n.Tags) || r.shown == badgeUnset {
		r.tags = slices.Clone(n.Tags)
		r.chips.RemoveAll()
		for i, t := range n.Tags {
			if i == maxChips {
				r.chips.Add(chip("+" + itoa(len(n.Tags)-maxChips)))
				break
			}
			r.chips.Add(r.tagChip(t))
		}
	}

	badge := badgeNone
	switch {
	case n.Conflict:
		badge = badgeConflict
	case n.Pending:
		badge = badgePending
	}
	if badge == r.shown {
		return
	}
	r.shown = badge
	switch badge {
	case badgeConflict:
		r.icon.SetResource(theme.NewErrorThemedResource(theme.WarningIcon()))
		r.badgeTx.SetText("Conflict")
		r.badgeTx.Importance = widget.DangerImportance
		r.badgeTx.Refresh()
		r.badge.Show()
	case badgePending:
		r.icon.SetResource(theme.NewDisabledResource(theme.UploadIcon()))
		r.badgeTx.SetText("Not synced")
		r.badgeTx.Importance = widget.LowImportance
		r.badgeTx.Refresh()
		r.badge.Show()
	default:
		r.badge.Hide()
	}
}

// Badges a row shows beside the title.
const (
	badgeUnset = iota
	badgeNone
	badgeConflict
	badgePending
)

// setText changes l's text only when it differs.
func setText(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

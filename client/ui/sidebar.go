package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/core"
)

// navWidth is the sidebar's width.
const navWidth = 190

// Sidebar node ids: fixed ones, and prefixes for notebooks and tags.
const (
	navAll       = "all"
	navNotebooks = "notebooks"
	navTags      = "tags"
	navTrash     = "trash"
	navNB        = "nb:"
	navTag       = "tag:"
)

// tagCount is a tag and how many listed notes carry it.
type tagCount struct {
	tag string
	n   int
}

// navModel is the sidebar's state, built from the core without widgets:
// the notebook tree, the tags of the listed notes and the trash size.
type navModel struct {
	notebooks map[string]core.NotebookInfo
	children  map[string][]string // notebook id ("" = top level) → child notebook ids, by name
	counts    map[string]int      // notebook id → notes directly in it
	tags      []tagCount          // by tag
	tagN      map[string]int      // tag → notes carrying it
	trash     int
	// kids is the tree's child node uids of each branch, made once per
	// build: the tree asks for them on every layout.
	kids map[string][]string
}

// rootUIDs are the sidebar's top-level nodes.
var rootUIDs = []string{navAll, navNotebooks, navTags, navTrash}

// buildNav computes the sidebar model.
func buildNav(nbs []core.NotebookInfo, notes []core.NoteInfo, trash int) *navModel {
	m := &navModel{notebooks: make(map[string]core.NotebookInfo, len(nbs)), children: map[string][]string{},
		counts: make(map[string]int, len(nbs)), tagN: map[string]int{}, trash: trash,
		kids: make(map[string][]string, len(nbs)/2+2)}
	for _, nb := range nbs { // sorted by path, so children come out sorted by name
		m.notebooks[nb.ID] = nb
		m.children[nb.Parent] = append(m.children[nb.Parent], nb.ID)
		parent := navNotebooks
		if nb.Parent != "" {
			parent = navNB + nb.Parent
		}
		m.kids[parent] = append(m.kids[parent], navNB+nb.ID)
	}
	for i := range notes {
		n := &notes[i]
		if n.Notebook != "" {
			m.counts[n.Notebook]++
		}
		for _, t := range n.Tags {
			m.tagN[t]++
		}
	}
	m.tags = make([]tagCount, 0, len(m.tagN))
	for t, n := range m.tagN {
		m.tags = append(m.tags, tagCount{t, n})
	}
	slices.SortFunc(m.tags, func(a, b tagCount) int { return strings.Compare(strings.ToLower(a.tag), strings.ToLower(b.tag)) })
	tagUIDs := make([]string, len(m.tags))
	for i, t := range m.tags {
		tagUIDs[i] = navTag + t.tag
	}
	m.kids[navTags] = tagUIDs
	return m
}

// childIDs is the tree's children of node uid.
func (m *navModel) childIDs(uid string) []string {
	if uid == "" {
		return rootUIDs
	}
	return m.kids[uid]
}

// isBranch reports whether node uid can hold children.
func (m *navModel) isBranch(uid string) bool {
	switch {
	case uid == "", uid == navNotebooks, uid == navTags:
		return true
	case strings.HasPrefix(uid, navNB):
		return len(m.kids[uid]) > 0
	}
	return false
}

// below returns notebook id and every notebook under it.
func (m *navModel) below(id string) map[string]bool {
	out := map[string]bool{}
	var walk func(string)
	walk = func(id string) {
		if out[id] {
			return
		}
		out[id] = true
		for _, c := range m.children[id] {
			walk(c)
		}
	}
	walk(id)
	return out
}

// label is the text and count of node uid.
func (m *navModel) label(uid string) (text string, count int, icon fyne.Resource) {
	switch {
	case uid == navAll:
		return "All notes", -1, theme.DocumentIcon()
	case uid == navNotebooks:
		return "Notebooks", -1, theme.FolderIcon()
	case uid == navTags:
		return "Tags", -1, theme.ListIcon()
	case uid == navTrash:
		return "Trash", m.trash, theme.DeleteIcon()
	case strings.HasPrefix(uid, navNB):
		id := strings.TrimPrefix(uid, navNB)
		return strings.ReplaceAll(m.notebooks[id].Name, "/", "∕"), m.counts[id], nil // no icon: room for the name
	case strings.HasPrefix(uid, navTag):
		t := strings.TrimPrefix(uid, navTag)
		return "#" + t, m.tagN[t], nil
	}
	return "", -1, nil
}

// sidebar is the left column: All notes, the notebook tree, Tags and
// Trash. Choosing a node filters the note list (or shows the trash);
// notebooks are made, renamed in place and deleted here, and notes are
// dropped onto them.
type sidebar struct {
	u        *UI
	model    *navModel
	selected string // the node shown ("all" at first)
	renaming string // the notebook being renamed in place, "" none
	rename   *entry // its field, while renaming

	tree    *navTree
	newBt   *widget.Button
	content fyne.CanvasObject
	rows    map[*navRow]bool // the rows made, for finding a drop target

	onSelect func(uid string) // a node was chosen
}

func newSidebar(u *UI) *sidebar {
	s := &sidebar{u: u, selected: navAll, rows: map[*navRow]bool{}}
	s.model = buildNav(nil, nil, 0)
	s.tree = newNavTree(s)
	s.newBt = widget.NewButtonWithIcon("New notebook", theme.FolderNewIcon(), func() { s.newNotebook(s.selectedNotebook()) })
	s.newBt.Importance = widget.LowImportance
	s.newBt.Alignment = widget.ButtonAlignLeading
	// Built by hand so that the tree comes before the button in the Tab order.
	s.content = withMinSize(navWidth, 0, container.New(layout.NewBorderLayout(nil, s.newBt, nil, nil), s.tree, s.newBt))
	s.reload()
	s.tree.OpenBranch(navNotebooks)
	s.tree.Select(navAll)
	return s
}

// reload re-reads notebooks, tags and the trash, in one read of the core.
func (s *sidebar) reload() {
	ov := s.u.api.Overview()
	s.reloadFrom(&ov)
}

// reloadFrom rebuilds the sidebar from ov, read by the caller (who may
// use the same read for the note list).
func (s *sidebar) reloadFrom(ov *core.Overview) {
	s.model = buildNav(ov.Notebooks, ov.Notes, ov.Trashed)
	if !s.exists(s.selected) {
		s.selected = navAll
		s.tree.Select(navAll)
		s.choose(navAll)
	}
	s.tree.Refresh()
}

// exists reports whether node uid is still in the tree.
func (s *sidebar) exists(uid string) bool {
	switch {
	case strings.HasPrefix(uid, navNB):
		_, ok := s.model.notebooks[strings.TrimPrefix(uid, navNB)]
		return ok
	case strings.HasPrefix(uid, navTag):
		_, ok := s.model.tagN[strings.TrimPrefix(uid, navTag)]
		return ok
	}
	return true
}

// selectedNotebook is the notebook chosen in the tree, "" for none.
func (s *sidebar) selectedNotebook() string {
	if strings.HasPrefix(s.selected, navNB) {
		return strings.TrimPrefix(s.selected, navNB)
	}
	return ""
}

// show selects node uid as if it was clicked.
func (s *sidebar) show(uid string) {
	if uid == s.selected {
		s.choose(uid)
		return
	}
	s.tree.Select(uid)
}

func (s *sidebar) choose(uid string) {
	s.selected = uid
	if s.onSelect != nil {
		s.onSelect(uid)
	}
}

// selectTag shows the notes tagged t (a click on a tag chip).
func (s *sidebar) selectTag(t string) {
	s.tree.OpenBranch(navTags)
	s.show(navTag + t)
}

// newNotebook makes a notebook called "New notebook" under parent and
// starts renaming it in place.
func (s *sidebar) newNotebook(parent string) {
	s.u.touch()
	id, err := s.u.api.CreateNotebook("New notebook", parent)
	if err != nil {
		s.u.showError("Couldn't create a notebook", err)
		return
	}
	s.reload()
	if parent == "" {
		s.tree.OpenBranch(navNotebooks)
	} else {
		s.tree.OpenBranch(navNB + parent)
	}
	s.startRename(id)
}

// startRename turns notebook id's row into a field: Enter renames, Esc
// leaves the name as it was.
func (s *sidebar) startRename(id string) {
	if _, ok := s.model.notebooks[id]; !ok {
		return
	}
	s.renaming, s.rename = id, nil
	s.tree.ScrollTo(navNB + id)
	s.tree.RefreshItem(navNB + id)
	if s.rename != nil {
		s.u.win.Canvas().Focus(s.rename)
		s.rename.TypedShortcut(&fyne.ShortcutSelectAll{}) // ready to be typed over
	}
}

// endRename leaves rename mode, renaming when commit is set.
func (s *sidebar) endRename(commit bool) {
	id, e := s.renaming, s.rename
	if id == "" {
		return
	}
	s.renaming, s.rename = "", nil
	if commit && e != nil && strings.TrimSpace(e.Text) != s.model.notebooks[id].Name {
		if err := s.u.api.RenameNotebook(id, strings.TrimSpace(e.Text)); err != nil {
			s.u.showError("Couldn't rename the notebook", err)
		}
	}
	s.reload()
	s.u.win.Canvas().Focus(s.tree)
	if s.onSelect != nil && s.selected == navNB+id {
		s.onSelect(s.selected) // paths shown in the list changed
	}
}

// askDelete asks what happens to notebook id's notes, then deletes it.
// Nothing disappears silently: the notes go to the parent or the trash.
func (s *sidebar) askDelete(id string) {
	nb, ok := s.model.notebooks[id]
	if !ok {
		return
	}
	s.u.touch()
	notes := s.model.counts[id] // notes directly in it
	parent := "All notes (no notebook)"
	if p, ok := s.model.notebooks[nb.Parent]; ok {
		parent = "“" + p.Path + "”"
	}
	moveOpt := "Move its notes to " + parent
	trashOpt := "Move its notes to the trash"
	what := widget.NewRadioGroup([]string{moveOpt, trashOpt}, nil)
	what.Required = true
	what.SetSelected(moveOpt)
	text := "“" + nb.Path + "” holds " + countText(notes, "note", "notes") + "."
	if len(s.model.children[id]) > 0 {
		text += " The notebooks inside it move up to " + parent + ", with their notes."
	}
	s.u.confirmWith("Delete this notebook?", withMinSize(420, 0, container.NewVBox(paragraph(text), what)), "Delete notebook", true, func() {
		if err := s.u.api.DeleteNotebook(id, what.Selected == trashOpt); err != nil {
			s.u.showError("Couldn't delete the notebook", err)
		}
		s.reload()
		if s.onSelect != nil {
			s.onSelect(s.selected)
		}
	})
}

// countText is "1 note" or "n notes".
func countText(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return itoa(n) + " " + many
}

// showMenu opens node uid's menu at pos (a right click).
func (s *sidebar) showMenu(uid string, pos fyne.Position) {
	var items []*fyne.MenuItem
	switch {
	case uid == navNotebooks:
		items = append(items, fyne.NewMenuItem("New notebook", func() { s.newNotebook("") }))
	case strings.HasPrefix(uid, navNB):
		id := strings.TrimPrefix(uid, navNB)
		items = append(items,
			fyne.NewMenuItem("New notebook inside", func() { s.newNotebook(id) }),
			fyne.NewMenuItem("Rename (F2)", func() { s.startRename(id) }),
			fyne.NewMenuItem("Delete… (Delete)", func() { s.askDelete(id) }))
	default:
		return
	}
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), s.u.win.Canvas(), pos)
}

// key handles the tree's own keys: F2 renames and Delete deletes the
// chosen notebook.
func (s *sidebar) key(ev *fyne.KeyEvent) bool {
	id := s.selectedNotebook()
	switch ev.Name {
	case fyne.KeyF2:
		s.startRename(id)
	case fyne.KeyDelete:
		s.askDelete(id)
	default:
		return false
	}
	return true
}

// notebookAt is the notebook whose row is under the absolute position
// pos, for a note dropped there: (id, true), with id "" for "All notes".
func (s *sidebar) notebookAt(pos fyne.Position) (string, bool) {
	d := fyne.CurrentApp().Driver()
	for r := range s.rows {
		if r.uid == "" || !r.Visible() {
			continue
		}
		p := d.AbsolutePositionForObject(r)
		sz := r.Size()
		if pos.X < p.X || pos.Y < p.Y || pos.X >= p.X+sz.Width || pos.Y >= p.Y+sz.Height {
			continue
		}
		switch {
		case r.uid == navAll:
			return "", true
		case strings.HasPrefix(r.uid, navNB):
			return strings.TrimPrefix(r.uid, navNB), true
		}
	}
	return "", false
}

// navTree is the sidebar's widget.Tree with its keys.
type navTree struct {
	widget.Tree
	s *sidebar
}

func newNavTree(s *sidebar) *navTree {
	t := &navTree{s: s}
	t.ChildUIDs = func(uid string) []string { return s.model.childIDs(uid) }
	t.IsBranch = func(uid string) bool { return s.model.isBranch(uid) }
	t.CreateNode = func(bool) fyne.CanvasObject {
		r := newNavRow(s)
		s.rows[r] = true
		return r
	}
	t.UpdateNode = func(uid string, _ bool, o fyne.CanvasObject) { o.(*navRow).set(uid) }
	t.OnSelected = func(uid string) {
		s.u.touch()
		switch uid {
		case navNotebooks, navTags: // headings: open or close, keep the view
			t.ToggleBranch(uid)
			t.Select(s.selected)
			return
		}
		s.choose(uid)
	}
	t.ExtendBaseWidget(t)
	return t
}

// TypedKey implements fyne.Focusable.
func (t *navTree) TypedKey(ev *fyne.KeyEvent) {
	if t.s.key(ev) {
		return
	}
	if (ev.Name == fyne.KeyEscape || ev.Name == fyne.KeyF1) && t.s.u.sc.key(ev) {
		return
	}
	t.Tree.TypedKey(ev)
}

// navRow is one row of the sidebar: icon, name and count, or the rename
// field.
type navRow struct {
	widget.BaseWidget
	s     *sidebar
	uid   string
	icon  *widget.Icon
	label *widget.Label
	count *widget.Label
	edit  *entry
	view  *fyne.Container
}

func newNavRow(s *sidebar) *navRow {
	r := &navRow{s: s, icon: widget.NewIcon(nil), label: widget.NewLabel("Notebook"), count: caption("")}
	r.label.Truncation = fyne.TextTruncateEllipsis
	r.edit = newEntry(s.u.sc)
	r.edit.onKey = func(ev *fyne.KeyEvent) bool {
		switch ev.Name {
		case fyne.KeyReturn, fyne.KeyEnter:
			s.endRename(true)
		case fyne.KeyEscape:
			s.endRename(false)
		default:
			return false
		}
		return true
	}
	r.edit.Hide()
	r.view = container.NewBorder(nil, nil, r.icon, r.count, r.label)
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer implements fyne.Widget.
func (r *navRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(r.view, r.edit))
}

func (r *navRow) set(uid string) {
	r.uid = uid
	text, count, icon := r.s.model.label(uid)
	// Labels are given new text only when it changed: setting text shapes
	// it again, the largest part of a refresh.
	if bold := uid == navNotebooks || uid == navTags; r.label.Text != text || r.label.TextStyle.Bold != bold {
		r.label.TextStyle.Bold = bold
		r.label.SetText(text)
	}
	if icon != nil {
		if r.icon.Resource != icon {
			r.icon.SetResource(icon)
		}
		r.icon.Show()
	} else {
		r.icon.Hide()
	}
	c := ""
	if count > 0 {
		c = itoa(count)
	}
	if r.count.Text != c {
		r.count.SetText(c)
	}
	if strings.HasPrefix(uid, navNB) && strings.TrimPrefix(uid, navNB) == r.s.renaming {
		if r.s.rename != r.edit {
			r.edit.SetText(r.s.model.notebooks[r.s.renaming].Name)
		}
		r.s.rename = r.edit
		r.view.Hide()
		r.edit.Show()
		return
	}
	r.edit.Hide()
	r.view.Show()
}

// Tapped implements fyne.Tappable: a click chooses the row (the row takes
// clicks because it has a menu).
func (r *navRow) Tapped(*fyne.PointEvent) {
	if r.uid != "" {
		r.s.tree.Select(r.uid)
		if r.uid == r.s.selected && r.uid != navNotebooks && r.uid != navTags {
			r.s.choose(r.uid)
		}
	}
}

// TappedSecondary implements fyne.SecondaryTappable: the row's menu.
func (r *navRow) TappedSecondary(ev *fyne.PointEvent) {
	if r.uid != "" {
		r.s.showMenu(r.uid, ev.AbsolutePosition)
	}
}

// navigate shows what sidebar node uid stands for: every note, a notebook
// and those inside it, a tag, or the trash.
func (m *mainView) navigate(uid string) {
	if m.history != nil {
		m.history.cancel()
		m.history = nil
		m.setCenter(nil)
	}
	if uid == navTrash {
		if m.trash == nil {
			m.showTrash()
		} else {
			m.trash.reload()
		}
		return
	}
	m.closeTrash()
	l := &m.list.model
	switch {
	case strings.HasPrefix(uid, navNB):
		id := strings.TrimPrefix(uid, navNB)
		in := m.side.model.below(id)
		l.keep = func(n core.NoteInfo) bool { return in[n.Notebook] }
		l.empty = "No notes in “" + m.side.model.notebooks[id].Path + "”.\nPress Ctrl+N to write one here."
	case strings.HasPrefix(uid, navTag):
		t := strings.TrimPrefix(uid, navTag)
		l.keep = func(n core.NoteInfo) bool { return slices.Contains(n.Tags, t) }
		l.empty = "No notes tagged “" + t + "”."
	default:
		l.keep, l.empty = nil, ""
	}
	m.list.reload()
	// The open note stays open if it is listed; else the first one opens.
	if l.Index(m.editor.id) < 0 && len(l.items) > 0 {
		m.open(l.items[0].ID)
	}
}

// dropNote moves note id into the notebook whose sidebar row is under the
// absolute position at, if any (drag and drop).
func (m *mainView) dropNote(id string, at fyne.Position) {
	if nb, ok := m.side.notebookAt(at); ok {
		m.moveNote(id, nb)
	}
}

// showOrganizeScreen opens a screen for screenshots (Options.Screen): the
// notebook tree with "Home" chosen, the seed's "Garden plans" history with
// its oldest version picked, or the trash.
func (m *mainView) showOrganizeScreen(screen string) {
	m.side.tree.OpenAllBranches()
	switch screen {
	case "notebooks":
		for _, nb := range m.u.api.Notebooks() {
			if nb.Path == "Home" {
				m.side.show(navNB + nb.ID)
			}
		}
	case "history":
		for _, n := range m.u.api.List() {
			if n.Title == "Garden plans" {
				m.open(n.ID)
				m.showHistory()
				if m.history != nil {
					m.history.start = -1
				}
			}
		}
	case "trash":
		m.side.show(navTrash)
	}
}

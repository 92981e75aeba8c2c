package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/mdview"
	"cipherleaf.dev/shared/note"
)

// editor is the right-hand pane: title, tags and the markdown body with a
// rendered preview. Edits go to an autosaver; typing never waits for a save.
type editor struct {
	api   Notes
	now   func() time.Time
	saver *autosaver

	id      string          // open note ("" none)
	copies  map[string]bool // conflicted copies of the open note already known
	base    *note.Note      // the note as loaded, for the fields the editor does not show
	loading bool            // filling the entries: not an edit

	title, tags, body *entry
	preview           *container.Scroll
	handlers          mdview.Handlers // links, note links, task boxes
	previewOn         bool
	previewBt         *keyButton
	deleteBt          *keyButton
	conflictBar       *fyne.Container
	conflictText      *widget.Label
	bodyStack         *fyne.Container
	previewBox        fyne.CanvasObject
	form              fyne.CanvasObject
	empty             fyne.CanvasObject
	emptyText         *widget.Label
	content           *fyne.Container

	onEdited  func(id string, n *note.Note) // something was typed; n is the new version
	onTitle   func(title string, open bool) // the open note's title changed, or no note is open
	onNew     func()                        // "New note" in the empty state
	onDelete  func()                        // delete button
	onResolve func(copyID string)           // "Resolve…" on a conflicted copy
	focus     func(fyne.Focusable)          // the window's canvas Focus
}

func newEditor(api Notes, sc *shortcuts, now func() time.Time, saver *autosaver) *editor {
	e := &editor{api: api, now: now, saver: saver}
	e.title = newEntry(sc)
	e.title.SetPlaceHolder("Title")
	e.title.TextStyle = fyne.TextStyle{Bold: true}
	e.tags = newEntry(sc)
	e.tags.SetPlaceHolder("Tags, separated by commas")
	e.body = newMultiLineEntry(sc)
	e.body.SetPlaceHolder("Write in Markdown…")
	for _, w := range []*entry{e.title, e.tags, e.body} {
		w.OnChanged = func(string) { e.edited() }
	}
	e.title.OnChanged = func(t string) { e.edited(); e.titleChanged(t, e.id != "") }
	// Enter in the title or the tags goes on to the body.
	e.title.OnSubmitted = func(string) { e.focusBody() }
	e.tags.OnSubmitted = func(string) { e.focusBody() }
	e.body.onShortcut = e.formatShortcut

	e.preview = container.NewVScroll(widget.NewLabel(""))
	e.preview.OnScrolled = func(fyne.Position) { sc.touch() } // reading counts as activity
	e.previewBox = e.preview
	e.previewBox.Hide()
	e.previewBt = newKeyButton(sc, "Preview", theme.VisibilityIcon(), e.togglePreview)
	e.previewBt.Importance = widget.LowImportance
	e.deleteBt = newKeyButton(sc, "Delete", theme.DeleteIcon(), func() {
		if e.onDelete != nil {
			e.onDelete()
		}
	})
	e.deleteBt.Importance = widget.LowImportance

	e.conflictText = widget.NewLabel("")
	e.conflictText.Wrapping = fyne.TextWrapWord
	resolve := widget.NewButton("Resolve…", func() {
		if e.onResolve != nil && e.id != "" {
			e.onResolve(e.id)
		}
	})
	e.conflictBar = container.NewBorder(nil, nil, widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon())), container.NewCenter(resolve), e.conflictText)
	e.conflictBar.Hide()

	e.bodyStack = container.NewStack(e.body, e.previewBox)
	actions := container.NewHBox(e.previewBt, e.deleteBt)
	// The objects are listed in Tab order: title, tags, body, then the
	// note's actions; editorLayout places the actions beside the title.
	e.form = container.NewPadded(container.New(editorLayout{}, e.conflictBar, withoutScrollBars(fyne.CurrentApp(), e.title), e.tags, e.bodyStack, actions))

	e.emptyText = widget.NewLabel("Select a note, or start a new one.")
	e.emptyText.Alignment = fyne.TextAlignCenter
	e.emptyText.Importance = widget.LowImportance
	newBt := widget.NewButtonWithIcon("New note", theme.ContentAddIcon(), func() {
		if e.onNew != nil {
			e.onNew()
		}
	})
	e.empty = container.NewVBox(layout.NewSpacer(),
		container.NewCenter(widget.NewIcon(leafIcon())),
		e.emptyText,
		container.NewCenter(newBt),
		caption("Ctrl+N new · Ctrl+P open · Ctrl+F search · F1 all shortcuts"),
		layout.NewSpacer())
	for _, o := range e.empty.(*fyne.Container).Objects {
		if l, ok := o.(*widget.Label); ok {
			l.Alignment = fyne.TextAlignCenter
		}
	}
	e.content = container.NewStack(e.form, e.empty)
	e.showEmpty("")
	return e
}

// open saves any pending edit and shows note id.
func (e *editor) open(id string) error {
	e.flush()
	n, err := e.api.Get(id)
	if err != nil {
		return err
	}
	e.show(id, n)
	return nil
}

// show fills the entries with n without counting it as an edit.
func (e *editor) show(id string, n *note.Note) {
	e.id, e.base = id, n
	e.saver.Open(id, n)
	e.copies = e.copiesOf(id, e.api.Conflicts())
	e.loading = true
	e.title.SetText(n.Title)
	e.tags.SetText(formatTags(n.Tags))
	e.body.SetText(n.Body)
	e.loading = false
	if e.previewOn {
		e.renderPreview()
	}
	if n.ConflictOf != "" {
		orig := "another note"
		if o, err := e.api.Get(n.ConflictOf); err == nil {
			orig = "“" + displayTitle(o.Title) + "”"
		}
		e.conflictText.SetText("This is a conflicted copy of " + orig + ": both were edited at the same time. Resolve to keep one version or merge them.")
		e.conflictBar.Show()
	} else {
		e.conflictBar.Hide()
	}
	e.empty.Hide()
	e.form.Show()
	e.titleChanged(n.Title, true)
}

// showEmpty closes the note (after saving) and shows the placeholder; msg
// replaces its text when not empty.
func (e *editor) showEmpty(msg string) {
	e.flush()
	e.id, e.base = "", nil
	if msg == "" {
		msg = "Select a note, or start a new one."
	}
	e.emptyText.SetText(msg)
	e.form.Hide()
	e.empty.Show()
	e.titleChanged("", false)
}

// titleChanged tells the window the open note's title.
func (e *editor) titleChanged(title string, open bool) {
	if e.onTitle != nil {
		e.onTitle(title, open)
	}
}

// snapshot is the open note with the entries' current text.
func (e *editor) snapshot() *note.Note {
	n := &note.Note{}
	if e.base != nil {
		cp := *e.base
		n = &cp
	}
	n.Title = e.title.Text
	n.Body = e.body.Text
	n.Tags = parseTags(e.tags.Text)
	n.Modified = e.now()
	if n.Created.IsZero() {
		n.Created = n.Modified
	}
	return n
}

// ownFields is the note to save for an edit: the editor's own fields
// (title, body, tags, modified time) over the note as it is stored now. A
// sync or the sidebar may have changed the note since the editor opened it
// (an attachment added on another device, a move to another notebook): an
// autosave from the editor's older copy would undo that.
func ownFields(api Notes, id string, edit *note.Note) *note.Note {
	cur, err := api.Get(id)
	if err != nil {
		return edit // gone or locked: the save says so
	}
	cur.Title, cur.Body, cur.Tags, cur.Modified = edit.Title, edit.Body, edit.Tags, edit.Modified
	return cur
}

func (e *editor) edited() {
	if e.loading || e.id == "" {
		return
	}
	n := e.snapshot()
	e.saver.Changed(e.id, n)
	if e.onEdited != nil {
		e.onEdited(e.id, n)
	}
}

// flush writes a pending edit now (switching notes, locking, closing).
func (e *editor) flush() {
	if e.saver != nil && e.saver.Pending() {
		_ = e.saver.Flush() // a failure is reported through the saver's result
	}
}

// reloadIfIdle re-reads the open note after a sync or another process's
// write, unless the user has edits still waiting to be saved or being
// saved: their save merges the other change (core.AutosaveFrom) and
// afterSave shows the merge.
func (e *editor) reloadIfIdle() {
	if e.id == "" || e.saver.Busy() {
		return
	}
	n, err := e.api.Get(e.id)
	if err != nil {
		e.showEmpty("This note was deleted on another device.")
		return
	}
	if n.Title == e.title.Text && n.Body == e.body.Text && formatTags(n.Tags) == formatTags(parseTags(e.tags.Text)) && n.ConflictOf == e.base.ConflictOf {
		e.base = n
		e.saver.Open(e.id, n)
		return
	}
	if n.ConflictOf == e.base.ConflictOf {
		e.showOver(n) // the same note, changed: the cursor stays on its text
		return
	}
	e.show(e.id, n)
}

func (e *editor) togglePreview() {
	e.previewOn = !e.previewOn
	if e.previewOn {
		e.renderPreview()
		e.body.Hide()
		e.previewBox.Show()
		e.previewBt.SetText("Edit")
		e.previewBt.SetIcon(theme.DocumentCreateIcon())
		return
	}
	e.previewBox.Hide()
	e.body.Show()
	e.previewBt.SetText("Preview")
	e.previewBt.SetIcon(theme.VisibilityIcon())
}

// focusBody puts the cursor in the body (or, in preview, on the preview
// button so that Enter returns to editing).
func (e *editor) focusBody() {
	if e.focus == nil {
		return
	}
	if e.previewOn {
		e.focus(e.previewBt)
		return
	}
	e.focus(e.body)
}

// renderPreview draws the body's Markdown. A ticked task box rewrites the
// body (an edit like any other, saved by the autosaver) and redraws.
func (e *editor) renderPreview() {
	h := e.handlers
	h.SetSource = func(src string) {
		e.body.SetText(src)
		e.renderPreview()
	}
	offset := e.preview.Offset
	e.preview.Content = container.New(maxWidth{columnWidth()}, container.NewPadded(mdview.Render(e.body.Text, h)))
	e.preview.Refresh()
	e.preview.Offset = offset
	e.preview.Refresh()
}

// setMonospace switches the body between the text and the monospace font.
func (e *editor) setMonospace(on bool) {
	e.body.TextStyle = fyne.TextStyle{Monospace: on}
	e.body.Refresh()
}

// copiesOf lists the conflicted copies of note id among notes (a list
// read from the core; only its conflicted copies are looked at).
func (e *editor) copiesOf(id string, notes []core.NoteInfo) map[string]bool {
	out := map[string]bool{}
	for _, c := range notes {
		if !c.Conflict {
			continue
		}
		if n, err := e.api.Get(c.ID); err == nil && n.ConflictOf == id {
			out[c.ID] = true
		}
	}
	return out
}

// followConflict keeps what the user is typing in front of them when a
// sync finds that the open note was also changed elsewhere. The sync keeps
// the other device's version as the note and this device's edit as a new
// conflicted copy; the editor moves onto that copy without touching the
// entries (text, cursor, selection stay), any edit not yet saved goes into
// the copy instead of over the other version, and a banner says what
// happened. notes is the notes just read from the core. It reports whether
// it moved.
func (e *editor) followConflict(notes []core.NoteInfo) bool {
	if e.id == "" {
		return false
	}
	var copyID string
	for id := range e.copiesOf(e.id, notes) {
		if !e.copies[id] {
			copyID = id
		}
	}
	if copyID == "" {
		return false
	}
	cp, err := e.api.Get(copyID)
	if err != nil {
		return false
	}
	origTitle := displayTitle(e.title.Text)
	pending := e.saver.Pending()
	e.saver.Move(e.id, copyID, cp) // what waits, and what comes, goes to the copy
	e.id, e.base = copyID, cp
	e.copies = e.copiesOf(copyID, notes)
	if pending || cp.Body != e.body.Text || cp.Title != e.title.Text || formatTags(cp.Tags) != formatTags(parseTags(e.tags.Text)) {
		e.saver.Changed(copyID, e.snapshot())
	}
	e.conflictText.SetText("“" + origTitle + "” was changed on another device while you typed. Your text stays here, in a conflicted copy; the other version is kept as “" + origTitle + "”. Resolve to keep one or merge them.")
	e.conflictBar.Show()
	return true
}

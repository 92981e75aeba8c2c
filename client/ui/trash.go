package ui

import (
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/core"
)

// undoFor is how long "Undo" stays after a note is moved to the trash.
const undoFor = 8 * time.Second

// undoBar is the line that says a note went to the trash, with Undo, for
// a few seconds.
type undoBar struct {
	u       *UI
	text    *widget.Label
	undoBt  *widget.Button
	content *fyne.Container
	timer   timer
	undo    func()
}

func newUndoBar(u *UI) *undoBar {
	b := &undoBar{u: u, text: widget.NewLabel("")}
	b.text.Truncation = fyne.TextTruncateEllipsis
	b.undoBt = widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), func() {
		fn := b.undo
		b.hide()
		if fn != nil {
			fn()
		}
	})
	b.undoBt.Importance = widget.HighImportance
	b.content = container.NewPadded(container.NewBorder(nil, nil, widget.NewIcon(theme.DeleteIcon()), b.undoBt, b.text))
	b.content.Hide()
	return b
}

// show says text with an Undo that runs undo, until undoFor has passed.
func (b *undoBar) show(text string, undo func()) {
	if b.timer != nil {
		b.timer.Stop()
	}
	b.text.SetText(text)
	b.undo = undo
	b.content.Show()
	b.timer = b.u.tick(undoFor, func() { b.u.do(b.hide) })
}

func (b *undoBar) hide() {
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	b.undo = nil
	b.content.Hide()
}

// trashView lists the notes in the trash with Restore and Delete forever,
// and empties it. It replaces the list and the editor while shown.
type trashView struct {
	m       *mainView
	items   []core.TrashInfo
	list    *widget.List
	info    *widget.Label
	keep    *widget.Select // days trashed notes are kept
	emptyBt *widget.Button
	none    *widget.Label
	content fyne.CanvasObject
}

func newTrashView(m *mainView) *trashView {
	t := &trashView{m: m, info: caption(""), none: widget.NewLabel("The trash is empty.")}
	t.info.Wrapping = fyne.TextWrapWord // long at 800×600: wrapped, never cut
	t.none.Alignment = fyne.TextAlignCenter
	t.none.Importance = widget.LowImportance
	t.list = widget.NewList(
		func() int { return len(t.items) },
		func() fyne.CanvasObject { return newTrashRow(t) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(t.items) {
				o.(*trashRow).set(t.items[i], m.u.now())
			}
		})
	t.emptyBt = widget.NewButtonWithIcon("Empty trash", theme.DeleteIcon(), t.askEmpty)
	t.emptyBt.Importance = widget.DangerImportance
	t.keep = widget.NewSelect(nil, func(s string) {
		var days int
		if _, err := fmt.Sscanf(s, "%d", &days); err != nil || days == t.days() {
			return
		}
		m.u.touch()
		if err := m.u.api.SetTrashDays(days); err != nil {
			m.u.showError("Couldn't change how long the trash keeps notes", err)
		}
		t.reload()
	})
	head := container.NewVBox(
		container.NewBorder(nil, nil, subheading("Trash"), t.emptyBt),
		container.NewBorder(nil, nil, widget.NewLabel("Keep trashed notes for"), nil, container.NewHBox(t.keep)),
		t.info, widget.NewSeparator())
	t.content = container.New(layout.NewBorderLayout(head, nil, nil, nil), head,
		container.NewStack(t.list, container.NewVBox(t.none, layout.NewSpacer())))
	t.reload()
	return t
}

// reload re-reads the trash.
func (t *trashView) reload() {
	t.items = t.m.u.api.TrashList()
	days := t.days()
	choices := []int{7, 30, 90, 365}
	if !slices.Contains(choices, days) {
		choices = append(choices, days) // set elsewhere (another device, cipherleaf-cli trash-days)
		slices.Sort(choices)
	}
	var opts []string
	for _, d := range choices {
		opts = append(opts, countText(d, "day", "days"))
	}
	t.keep.Options = opts
	t.keep.SetSelected(countText(days, "day", "days"))
	t.info.SetText(retentionText(days))
	if len(t.items) == 0 {
		t.none.Show()
		t.emptyBt.Disable()
	} else {
		t.none.Hide()
		t.emptyBt.Enable()
	}
	t.list.Refresh()
}

// retentionText says what the trash keeps, and that the setting is the
// account's (SPEC §12.5).
func retentionText(days int) string {
	return "Notes in the trash are deleted for good " + countText(days, "day", "days") +
		" after they were moved there. This is your account's setting: it applies on all your devices once they sync."
}

// days is the account's trash retention (30 when unreadable).
func (t *trashView) days() int {
	days, err := t.m.u.api.TrashDays()
	if err != nil || days <= 0 {
		return 30
	}
	return days
}

// changed refreshes the trash, the sidebar's count and the note list.
func (t *trashView) changed() {
	t.reload()
	t.m.reloadLists()
}

func (t *trashView) restore(it core.TrashInfo) {
	t.m.u.touch()
	if err := t.m.u.api.Untrash(it.ID); err != nil {
		t.m.u.showError("Couldn't restore the note", err)
	}
	t.changed()
}

func (t *trashView) askForever(it core.TrashInfo) {
	t.m.u.touch()
	t.m.u.confirm("Delete this note forever?", "“"+displayTitle(it.Title)+"” will be deleted for good on all your devices. This can't be undone.",
		"Delete forever", true, func() {
			if err := t.m.u.api.Delete(it.ID); err != nil {
				t.m.u.showError("Couldn't delete the note", err)
			}
			t.changed()
		})
}

func (t *trashView) askEmpty() {
	t.m.u.touch()
	n := len(t.items)
	if n == 0 {
		return
	}
	t.m.u.confirm("Empty the trash?", countText(n, "note", "notes")+" will be deleted for good on all your devices. This can't be undone.",
		"Empty trash", true, func() {
			if err := t.m.u.api.EmptyTrash(); err != nil {
				t.m.u.showError("Couldn't empty the trash", err)
			}
			t.changed()
		})
}

// trashRow is one note in the trash: title, when it was deleted, and its
// two buttons.
type trashRow struct {
	widget.BaseWidget
	t         *trashView
	it        core.TrashInfo
	title     *widget.Label
	when      *widget.Label
	restoreBt *widget.Button
	foreverBt *widget.Button
}

func newTrashRow(t *trashView) *trashRow {
	r := &trashRow{t: t, title: widget.NewLabel("Title"), when: caption("")}
	r.title.TextStyle.Bold = true
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.restoreBt = widget.NewButtonWithIcon("Restore", theme.ContentUndoIcon(), func() { t.restore(r.it) })
	r.foreverBt = widget.NewButtonWithIcon("Delete forever", theme.DeleteIcon(), func() { t.askForever(r.it) })
	r.foreverBt.Importance = widget.LowImportance
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer implements fyne.Widget.
func (r *trashRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil,
		container.NewHBox(r.restoreBt, r.foreverBt),
		container.NewVBox(r.title, r.when)))
}

func (r *trashRow) set(it core.TrashInfo, now time.Time) {
	r.it = it
	r.title.SetText(displayTitle(it.Title))
	r.when.SetText("Deleted " + modifiedText(now, it.Trashed))
}

// trashNote moves note id to the trash and offers Undo for a few seconds.
// Its pending edits are saved first, so Undo brings back what was typed.
func (m *mainView) trashNote(id, title string) {
	m.editor.flush()
	m.u.background(func() func() {
		err := m.u.api.Trash(id)
		return func() {
			if m.u.main != m {
				return
			}
			if err != nil {
				m.u.showError("Couldn't move the note to the trash", err)
				return
			}
			if m.editor.id == id {
				m.editor.id = ""
				m.editor.showEmpty("")
			}
			m.list.selected = ""
			m.reloadLists()
			m.undo.show("“"+title+"” moved to the trash.", func() { m.untrash(id) })
		}
	})
}

// untrash takes note id back out of the trash (Undo) and opens it.
func (m *mainView) untrash(id string) {
	m.u.touch()
	if err := m.u.api.Untrash(id); err != nil {
		m.u.showError("Couldn't restore the note", err)
		return
	}
	if m.trash != nil {
		m.side.reload()
		m.trash.reload()
		return
	}
	m.reloadLists()
	if m.list.model.Index(id) >= 0 {
		m.open(id)
	}
}

// showTrash shows the trash in place of the list and the editor.
func (m *mainView) showTrash() {
	m.editor.flush()
	m.trash = newTrashView(m)
	m.setCenter(m.trash.content)
}

// closeTrash goes back to the list and the editor.
func (m *mainView) closeTrash() {
	if m.trash == nil {
		return
	}
	m.trash = nil
	m.setCenter(nil)
}

package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/shared/note"
)

// resolveModel holds the two versions of a conflict and builds what is
// written back. The conflicted copy holds the edit that could not be merged;
// the original holds the version that reached the server first.
type resolveModel struct {
	copyID string
	copy   *note.Note // the conflicted copy
	orig   *note.Note // the current version (nil if it was deleted)
}

// loadResolve reads both versions of the conflicted copy copyID.
func loadResolve(api Notes, copyID string) (*resolveModel, error) {
	cp, err := api.Get(copyID)
	if err != nil {
		return nil, err
	}
	if cp.ConflictOf == "" {
		return nil, errors.New("this note is not a conflicted copy")
	}
	m := &resolveModel{copyID: copyID, copy: cp}
	if o, err := api.Get(cp.ConflictOf); err == nil {
		m.orig = o
	}
	return m, nil
}

// keep returns the note to write for one side: the copy's or the original's
// content, never marked as a copy.
func (m *resolveModel) keep(copySide bool) *note.Note {
	src := m.orig
	if copySide || src == nil {
		src = m.copy
	}
	n := *src
	n.ConflictOf = ""
	return &n
}

// diff marks the lines of each body that the other lacks.
func (m *resolveModel) diff() (orig, copy []diffLine) {
	o := ""
	if m.orig != nil {
		o = m.orig.Body
	}
	return lineDiff(o, m.copy.Body)
}

// merged returns the note to write for a hand-made merge.
func (m *resolveModel) merged(title, body, tags string) *note.Note {
	n := m.keep(false)
	n.Title, n.Body, n.Tags = title, body, parseTags(tags)
	return n
}

// resolveView shows both versions side by side: keep one, or merge by hand.
type resolveView struct {
	m                                *mainView
	model                            *resolveModel
	errText                          *widget.Label
	body                             *fyne.Container // columns, or the merge editor
	keepCopy, keepOrig, editBt       *widget.Button
	mergeTitle, mergeTags, mergeBody *entry
	saveMerged                       *widget.Button
	content                          fyne.CanvasObject
}

// showResolve opens the resolve view for the conflicted copy copyID.
func (m *mainView) showResolve(copyID string) {
	m.u.touch()
	m.editor.flush()
	model, err := loadResolve(m.u.api, copyID)
	if err != nil {
		m.u.showError("Couldn't open the conflict", err)
		return
	}
	v := &resolveView{m: m, model: model, errText: errorLabel()}
	back := widget.NewButtonWithIcon("Back to notes", theme.NavigateBackIcon(), func() { m.setCenter(nil) })
	back.Importance = widget.LowImportance

	v.keepCopy = widget.NewButtonWithIcon("Keep this version", theme.ConfirmIcon(), func() { v.resolve(model.keep(true)) })
	v.keepOrig = widget.NewButtonWithIcon("Keep this version", theme.ConfirmIcon(), func() { v.resolve(model.keep(false)) })
	v.editBt = widget.NewButtonWithIcon("Merge by hand…", theme.DocumentCreateIcon(), v.showMerge)

	origLines, copyLines := model.diff()
	left := versionColumn("Current version", "The version already on the server.", model.orig, origLines, "−", theme.ColorNameError, m.u, v.keepOrig)
	right := versionColumn("Conflicted copy", "The edit that arrived second, kept so that nothing is lost.", model.copy, copyLines, "+", theme.ColorNameSuccess, m.u, v.keepCopy)
	v.body = container.NewStack(container.NewGridWithColumns(2, left, right))

	title := displayTitle(model.copy.Title)
	header := container.NewVBox(
		container.NewHBox(back),
		container.NewBorder(nil, nil, nil, container.NewCenter(v.editBt),
			container.NewHBox(widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon())), heading("Resolve conflict: "+title))),
		paragraph("This note was changed in two places at once and the changes overlap. Keep one version, or merge them by hand. The other version is discarded."),
		v.errText,
	)
	v.content = container.NewPadded(container.NewBorder(header, nil, nil, nil, v.body))
	m.setCenter(v.content)
}

// versionColumn shows one version read-only, its lines that the other
// version lacks marked, with its keep button (none when keep is nil).
func versionColumn(title, explain string, n *note.Note, lines []diffLine, mark string, col fyne.ThemeColorName, u *UI, keep *widget.Button) fyne.CanvasObject {
	if n == nil {
		if keep != nil {
			keep.Disable()
		}
		return container.NewVBox(subheading(title), paragraph("This version was deleted."))
	}
	when := caption("Edited " + modifiedText(u.now(), n.Modified))
	noteTitle := widget.NewLabel(displayTitle(n.Title))
	noteTitle.TextStyle = fyne.TextStyle{Bold: true}
	noteTitle.Wrapping = fyne.TextWrapWord
	chips := container.NewHBox()
	for _, t := range n.Tags {
		chips.Add(chip(t))
	}
	ex := caption(explain)
	ex.Wrapping = fyne.TextWrapWord
	changed := caption("No lines differ.")
	if c := changedCount(lines); c == 1 {
		changed.SetText(mark + " 1 line only in this version")
	} else if c > 1 {
		changed.SetText(mark + " " + itoa(c) + " lines only in this version")
	}
	top := container.NewVBox(subheading(title), ex, when, widget.NewSeparator(), noteTitle, chips, changed)
	var bottom fyne.CanvasObject
	if keep != nil {
		bottom = container.NewHBox(keep)
	}
	return container.NewBorder(top, bottom, nil, nil, container.NewVScroll(diffText(lines, mark, col)))
}

// showMerge swaps the columns for an editor prefilled with the conflicted
// copy, with the current version beside it for reference.
func (v *resolveView) showMerge() {
	model, u := v.model, v.m.u
	start := model.keep(true)
	v.mergeTitle = newEntry(u.sc)
	v.mergeTitle.SetText(start.Title)
	v.mergeTitle.TextStyle = fyne.TextStyle{Bold: true}
	v.mergeTags = newEntry(u.sc)
	v.mergeTags.SetPlaceHolder("Tags, separated by commas")
	v.mergeTags.SetText(formatTags(start.Tags))
	v.mergeBody = newMultiLineEntry(u.sc)
	v.mergeBody.SetText(start.Body)
	v.saveMerged = widget.NewButtonWithIcon("Save merged version", theme.DocumentSaveIcon(), func() {
		v.resolve(model.merged(v.mergeTitle.Text, v.mergeBody.Text, v.mergeTags.Text))
	})
	v.saveMerged.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", func() { v.m.showResolve(model.copyID) })
	origLines, _ := model.diff()
	ref := versionColumn("Current version", "For reference while you merge; its lines missing from the copy are marked.", model.orig, origLines, "−", theme.ColorNameError, u, nil)
	editor := container.NewBorder(
		container.NewVBox(subheading("Merged version"), caption("Starts as the conflicted copy; bring in what you need."), v.mergeTitle, v.mergeTags),
		container.NewHBox(v.saveMerged, cancel), nil, nil, v.mergeBody)
	v.body.Objects = []fyne.CanvasObject{container.NewGridWithColumns(2, ref, editor)}
	v.body.Refresh()
	v.editBt.Hide()
	u.win.Canvas().Focus(v.mergeBody)
}

// resolve writes n as the note's version and removes the copy.
func (v *resolveView) resolve(n *note.Note) {
	m := v.m
	copyID := v.model.copyID
	origID := v.model.copy.ConflictOf
	for _, b := range []*widget.Button{v.keepCopy, v.keepOrig, v.editBt, v.saveMerged} {
		if b != nil {
			b.Disable()
		}
	}
	m.u.background(func() func() {
		err := m.u.api.ResolveConflict(copyID, n)
		return func() {
			if m.u.main != m {
				return
			}
			if err != nil {
				// Keep the view (and any merged text) so nothing is lost.
				setError(v.errText, err)
				for _, b := range []*widget.Button{v.keepCopy, v.keepOrig, v.editBt, v.saveMerged} {
					if b != nil {
						b.Enable()
					}
				}
				return
			}
			m.setCenter(nil)
			m.list.reload()
			m.open(origID)
		}
	})
}

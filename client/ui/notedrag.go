package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// A note row can be dragged onto a notebook of the sidebar, and its tag
// chips filter the list by their tag when clicked.
//
// Fyne 2.7 has no drop targets between widgets (only files dropped on the
// window, Window.SetOnDropped), so the row is a fyne.Draggable and, when
// let go, asks the sidebar which of its rows lies under the pointer.

// Dragged implements fyne.Draggable.
// The desktop driver gives the pointer's window position; a driver that
// does not (fyne's test driver) gives the start within the row and the
// distance moved.
func (r *noteRow) Dragged(ev *fyne.DragEvent) {
	if !ev.AbsolutePosition.IsZero() {
		r.dragAt = ev.AbsolutePosition
		return
	}
	r.dragAt = fyne.CurrentApp().Driver().AbsolutePositionForObject(r).Add(ev.Position).Add(ev.Dragged)
}

// DragEnd implements fyne.Draggable: the note goes where it was let go.
func (r *noteRow) DragEnd() {
	if r.id != "" && r.l.onDrop != nil {
		r.l.onDrop(r.id, r.dragAt)
	}
}

// Tapped implements fyne.Tappable: the row takes clicks because it can be
// dragged (Fyne gives a click to the draggable object once a drag began),
// so it opens its note as the list would.
func (r *noteRow) Tapped(*fyne.PointEvent) {
	if r.id != "" {
		r.l.list.Select(r.index)
	}
}

// tagChip is a chip that filters the list by tag t when clicked.
func (r *noteRow) tagChip(t string) fyne.CanvasObject {
	c := &tapChip{content: chip(t), tap: func() {
		if r.l.onTag != nil {
			r.l.onTag(t)
		}
	}}
	c.ExtendBaseWidget(c)
	return c
}

// tapChip is a chip that answers clicks, with a hand cursor.
type tapChip struct {
	widget.BaseWidget
	content fyne.CanvasObject
	tap     func()
}

// CreateRenderer implements fyne.Widget.
func (c *tapChip) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(c.content) }

// Tapped implements fyne.Tappable.
func (c *tapChip) Tapped(*fyne.PointEvent) { c.tap() }

// Cursor implements desktop.Cursorable.
func (c *tapChip) Cursor() desktop.Cursor { return desktop.PointerCursor }

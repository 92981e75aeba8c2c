package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// keyList is a widget.List whose keys move the selection itself: Fyne's
// list moves a separate focus mark and needs Space to select, which reads
// as "nothing happens" in a list of notes. While focused it shows a frame
// in the focus colour instead of the focus mark.
type keyList struct {
	widget.List
	onKey func(*fyne.KeyEvent) bool
	frame *canvas.Rectangle
}

func newKeyList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *keyList {
	l := &keyList{}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.frame = canvas.NewRectangle(nil)
	l.frame.StrokeWidth = 2
	l.frame.Hide()
	l.ExtendBaseWidget(l)
	return l
}

// framed is the list with its focus frame over it, and over both a layer
// that counts the mouse wheel as activity (touch) and scrolls the list.
func (l *keyList) framed(touch func()) fyne.CanvasObject {
	return container.NewStack(l, l.frame, newWheelSpy(&l.List, touch))
}

// FocusGained implements fyne.Focusable.
func (l *keyList) FocusGained() {
	l.frame.StrokeColor = theme.Color(theme.ColorNameFocus)
	l.frame.Show()
	l.frame.Refresh()
}

// FocusLost implements fyne.Focusable.
func (l *keyList) FocusLost() { l.frame.Hide() }

// TypedKey implements fyne.Focusable.
func (l *keyList) TypedKey(ev *fyne.KeyEvent) {
	if l.onKey != nil && l.onKey(ev) {
		return
	}
	l.List.TypedKey(ev)
}

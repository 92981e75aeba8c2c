package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// activityArea is a transparent layer under a screen's content. Fyne gives
// mouse events to the topmost object that wants them, so this layer sees
// the pointer moving and clicking wherever no widget takes it: over text,
// the preview, the editor's body, labels and padding. It tells auto-lock
// that someone is there.
type activityArea struct {
	widget.BaseWidget
	touch func()
}

func newActivityArea(touch func()) *activityArea {
	a := &activityArea{touch: touch}
	a.ExtendBaseWidget(a)
	return a
}

// CreateRenderer implements fyne.Widget.
func (a *activityArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// MouseIn implements desktop.Hoverable.
func (a *activityArea) MouseIn(*desktop.MouseEvent) { a.touch() }

// MouseMoved implements desktop.Hoverable.
func (a *activityArea) MouseMoved(*desktop.MouseEvent) { a.touch() }

// MouseOut implements desktop.Hoverable.
func (a *activityArea) MouseOut() {}

// MouseDown implements desktop.Mouseable.
func (a *activityArea) MouseDown(*desktop.MouseEvent) { a.touch() }

// MouseUp implements desktop.Mouseable.
func (a *activityArea) MouseUp(*desktop.MouseEvent) {}

// Scrolled implements fyne.Scrollable: a wheel turned over a part of the
// screen that does not scroll.
func (a *activityArea) Scrolled(*fyne.ScrollEvent) { a.touch() }

// wheelSpy lies over a list and hands the mouse wheel on to it after
// telling auto-lock: the list's own scroller takes the wheel and tells no
// one. It is Scrollable and nothing else, so clicks, hover and drags still
// reach the rows below it.
type wheelSpy struct {
	widget.BaseWidget
	list  *widget.List
	touch func()
}

func newWheelSpy(list *widget.List, touch func()) *wheelSpy {
	w := &wheelSpy{list: list, touch: touch}
	w.ExtendBaseWidget(w)
	return w
}

// CreateRenderer implements fyne.Widget.
func (w *wheelSpy) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// Scrolled implements fyne.Scrollable.
func (w *wheelSpy) Scrolled(ev *fyne.ScrollEvent) {
	w.touch()
	w.list.ScrollToOffset(w.list.GetScrollOffset() - ev.Scrolled.DY)
}

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// minSize lays its objects over each other, like a Stack, but never asks
// for less than min.
type minSize struct{ min fyne.Size }

func (l minSize) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l minSize) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m := l.min
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	return m
}

// withMinSize wraps o so that it is at least w×h.
func withMinSize(w, h float32, o fyne.CanvasObject) fyne.CanvasObject {
	return container.New(minSize{fyne.NewSize(w, h)}, o)
}

// maxWidth centres its single object horizontally and keeps it no wider
// than width (narrower windows get the full width).
type maxWidth struct{ width float32 }

func (l maxWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		w := min(size.Width, l.width)
		o.Resize(fyne.NewSize(w, size.Height))
		o.Move(fyne.NewPos((size.Width-w)/2, 0))
	}
}

func (l maxWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	return m
}

// card is the centred column used by the first-run and unlock screens:
// at most width wide, vertically centred, scrolling when the window is short.
func card(width float32, content fyne.CanvasObject) fyne.CanvasObject {
	column := container.New(maxWidth{width}, container.NewPadded(content))
	return container.NewVScroll(container.NewVBox(layout.NewSpacer(), column, layout.NewSpacer()))
}

// heading is a large bold label.
func heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.SizeName = theme.SizeNameHeadingText
	return l
}

// subheading is a bold label of normal size.
func subheading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// paragraph is a wrapping label.
func paragraph(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// caption is a small, subdued label.
func caption(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.SizeName = theme.SizeNameCaptionText
	l.Importance = widget.LowImportance
	return l
}

// errorLabel is a wrapping label in the error colour, hidden while empty.
func errorLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	l.Hide()
	return l
}

// setError shows err's words in l, or hides l when err is nil.
func setError(l *widget.Label, err error) {
	if err == nil {
		l.SetText("")
		l.Hide()
		return
	}
	l.SetText(words(err))
	l.Show()
}

// separator is a thin line in the theme's separator colour.
func separator() fyne.CanvasObject { return widget.NewSeparator() }

// chip is a small rounded tag label.
func chip(text string) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = 8
	bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	bg.StrokeWidth = 1
	t := canvas.NewText(text, theme.Color(theme.ColorNameForeground))
	t.TextSize = theme.Size(theme.SizeNameCaptionText)
	return container.NewStack(bg, container.New(layout.NewCustomPaddedLayout(1, 1, 7, 7), t))
}

// relayout lays o's children out again at its current size, without
// refreshing each of them (Container.Refresh would redraw the whole tree).
func relayout(o fyne.CanvasObject) {
	if c, ok := o.(*fyne.Container); ok && c.Layout != nil {
		c.Layout.Layout(c.Objects, c.Size())
	}
}

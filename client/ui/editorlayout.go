package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// textColumnChars is the widest the editor's text runs, in characters:
// longer lines are hard to read, so wide windows centre a column this wide.
const textColumnChars = 100

// editorLayout lays out the editor's objects, given in Tab order:
// conflict bar, title, tags, body, actions. The actions sit beside the
// title, the body takes the remaining height, and everything stays in a
// centred column at most textColumnChars wide.
type editorLayout struct{}

// columnWidth is the widest the text column gets.
func columnWidth() float32 {
	w := fyne.MeasureText(strings.Repeat("n", textColumnChars), theme.TextSize(), fyne.TextStyle{}).Width
	return w + 4*theme.InnerPadding()
}

// Layout implements fyne.Layout.
func (editorLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) != 5 {
		return
	}
	bar, title, tags, body, actions := objs[0], objs[1], objs[2], objs[3], objs[4]
	pad := theme.Padding()
	w, x := size.Width, float32(0)
	if cw := columnWidth(); w > cw {
		x, w = (w-cw)/2, cw
	}
	y := float32(0)
	if bar.Visible() {
		h := bar.MinSize().Height
		bar.Move(fyne.NewPos(x, y))
		bar.Resize(fyne.NewSize(w, h))
		y += h + pad
	}
	am := actions.MinSize()
	th := max(title.MinSize().Height, am.Height)
	title.Move(fyne.NewPos(x, y))
	title.Resize(fyne.NewSize(max(w-am.Width-pad, 0), th))
	actions.Move(fyne.NewPos(x+w-am.Width, y))
	actions.Resize(fyne.NewSize(am.Width, th))
	y += th + pad
	h := tags.MinSize().Height
	tags.Move(fyne.NewPos(x, y))
	tags.Resize(fyne.NewSize(w, h))
	y += h + pad
	body.Move(fyne.NewPos(x, y))
	body.Resize(fyne.NewSize(w, max(size.Height-y, 0)))
}

// MinSize implements fyne.Layout.
func (editorLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) != 5 {
		return fyne.Size{}
	}
	bar, title, tags, body, actions := objs[0], objs[1], objs[2], objs[3], objs[4]
	pad := theme.Padding()
	am := actions.MinSize()
	w := max(title.MinSize().Width+pad+am.Width, tags.MinSize().Width, body.MinSize().Width)
	h := max(title.MinSize().Height, am.Height) + pad + tags.MinSize().Height + pad + body.MinSize().Height
	if bar.Visible() {
		w = max(w, bar.MinSize().Width)
		h += bar.MinSize().Height + pad
	}
	return fyne.NewSize(w, h)
}

package ui

import "fyne.io/fyne/v2"

// Window sizes, in Fyne units (pixels divided by the scale).
var (
	// preferredWindow is the first size when the screen has room for it.
	preferredWindow = fyne.NewSize(1280, 800)
	// fallbackWindow is the first size when the screen is unknown.
	fallbackWindow = fyne.NewSize(1024, 680)
)

// screenShare is how much of the screen a first window may take, leaving
// room for panels, docks and the title bar.
const screenShare = 0.9

// Preference keys of the window's state.
const (
	prefWinWidth  = "window_width"
	prefWinHeight = "window_height"
	prefSplit     = "window_split"
	prefWinX      = "window_x"
	prefWinY      = "window_y"
	prefWinPlaced = "window_placed" // window_x/y hold a position
)

// WindowPlacer moves the window and reports its position on the screen,
// in screen pixels: Fyne's Window has no such call, so the app's main
// provides one for its driver.
type WindowPlacer interface {
	Position() (x, y int, ok bool)
	Move(x, y int)
}

// restorePosition puts the window where saveWindowState found it last.
func (u *UI) restorePosition() {
	p := u.app.Preferences()
	if u.opts.Placer == nil || !p.Bool(prefWinPlaced) {
		return
	}
	u.opts.Placer.Move(p.Int(prefWinX), p.Int(prefWinY))
}

// firstWindowSize is the size to open the window at. screen is the screen
// in pixels (zero when unknown) and scale the pixels per Fyne unit; saved
// is the size the window had last time (zero if none). The result never
// exceeds screenShare of the screen, at any scale.
func firstWindowSize(screen fyne.Size, scale float32, saved fyne.Size) fyne.Size {
	want := preferredWindow
	if saved.Width > 0 && saved.Height > 0 {
		want = saved
	}
	if screen.Width <= 0 || screen.Height <= 0 {
		if saved.Width > 0 && saved.Height > 0 {
			return saved
		}
		return fallbackWindow
	}
	if scale <= 0 {
		scale = 1
	}
	room := fyne.NewSize(screen.Width*screenShare/scale, screen.Height*screenShare/scale)
	return fyne.NewSize(float32(int(min(want.Width, room.Width))), float32(int(min(want.Height, room.Height))))
}

// savedWindowSize is the size stored by saveWindowState (zero if none).
func (u *UI) savedWindowSize() fyne.Size {
	p := u.app.Preferences()
	return fyne.NewSize(float32(p.Float(prefWinWidth)), float32(p.Float(prefWinHeight)))
}

// saveWindowState remembers the window's size, its position (when a
// Placer can tell) and the list/editor split for the next start.
func (u *UI) saveWindowState() {
	p := u.app.Preferences()
	if s := u.win.Canvas().Size(); s.Width > 0 && s.Height > 0 {
		p.SetFloat(prefWinWidth, float64(s.Width))
		p.SetFloat(prefWinHeight, float64(s.Height))
	}
	if u.main != nil {
		p.SetFloat(prefSplit, u.main.split.Offset)
	}
	if u.opts.Placer != nil && !u.windowGone {
		if x, y, ok := u.opts.Placer.Position(); ok {
			p.SetInt(prefWinX, x)
			p.SetInt(prefWinY, y)
			p.SetBool(prefWinPlaced, true)
		}
	}
}

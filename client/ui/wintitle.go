package ui

import "strings"

// appName ends every window title.
const appName = "Cipherleaf"

// Screen names in the window title. The title says where the user is, as
// desktop apps do (the taskbar and the window switcher show it), and
// scripts and tests wait for a screen by it.
const (
	titleWelcome     = "Welcome"
	titleLocked      = "Locked"
	titleRecoveryKey = "Recovery key"
)

// windowTitle is "SCREEN — Cipherleaf", or "Cipherleaf" alone for "".
func windowTitle(screen string) string {
	screen = strings.TrimSpace(strings.ReplaceAll(screen, "\n", " "))
	if screen == "" {
		return appName
	}
	return screen + " — " + appName
}

// noteWindowTitle is the notes screen's title: the open note's title (the
// list's "Untitled" for none), or the app's name when no note is open.
func noteWindowTitle(title string, open bool) string {
	if !open {
		return appName
	}
	return windowTitle(displayTitle(title))
}

// setTitle sets the window title t; a title that did not change is not set
// again (it is called on every keystroke in a note's title).
func (u *UI) setTitle(t string) {
	if u.win.Title() != t {
		u.win.SetTitle(t)
	}
}

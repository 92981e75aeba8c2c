package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// The app's keyboard shortcuts (Ctrl on Linux and Windows, Cmd on macOS).
var (
	scNew       = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	scSearch    = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	scLock      = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	scSync      = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	scDelete    = &desktop.CustomShortcut{KeyName: fyne.KeyDelete, Modifier: fyne.KeyModifierShortcutDefault}
	scDeleteAlt = &desktop.CustomShortcut{KeyName: fyne.KeyD, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
)

// shortcuts routes the app's shortcuts to their actions, whether focus is
// in a text entry or nowhere.
type shortcuts struct {
	actions map[string]func()
}

func newShortcuts() *shortcuts { return &shortcuts{actions: map[string]func(){}} }

// set binds s to fn (nil unbinds).
func (s *shortcuts) set(sc fyne.Shortcut, fn func()) {
	if fn == nil {
		delete(s.actions, sc.ShortcutName())
		return
	}
	s.actions[sc.ShortcutName()] = fn
}

// run performs the action bound to sc and reports whether there was one.
func (s *shortcuts) run(sc fyne.Shortcut) bool {
	if s == nil {
		return false
	}
	fn := s.actions[sc.ShortcutName()]
	if fn == nil {
		return false
	}
	fn()
	return true
}

// install registers every app shortcut on the canvas, for when no entry has
// the focus.
func (s *shortcuts) install(c fyne.Canvas) {
	for _, sc := range []*desktop.CustomShortcut{scNew, scSearch, scLock, scSync, scDelete, scDeleteAlt} {
		c.AddShortcut(sc, func(fyne.Shortcut) { s.run(sc) })
	}
}

// entry is a widget.Entry that hands the app's shortcuts on instead of
// swallowing them. Ctrl+Delete stays "delete word" while typing; Ctrl+Shift+D
// deletes the note from an entry.
type entry struct {
	widget.Entry
	sc *shortcuts
}

func newEntry(sc *shortcuts) *entry {
	e := &entry{sc: sc}
	e.ExtendBaseWidget(e)
	return e
}

func newMultiLineEntry(sc *shortcuts) *entry {
	e := newEntry(sc)
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	return e
}

func newPasswordEntry(sc *shortcuts) *entry {
	e := newEntry(sc)
	e.Password = true
	return e
}

// TypedShortcut implements fyne.Shortcutable.
func (e *entry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && cs.ShortcutName() != scDelete.ShortcutName() {
		if e.sc.run(cs) {
			return
		}
	}
	e.Entry.TypedShortcut(s)
}

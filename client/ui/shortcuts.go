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
	scSwitcher  = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault}
	scLink      = &desktop.CustomShortcut{KeyName: fyne.KeyK, Modifier: fyne.KeyModifierShortcutDefault}
	scHelp      = &desktop.CustomShortcut{KeyName: fyne.KeySlash, Modifier: fyne.KeyModifierShortcutDefault}
	scPreview   = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	scMoveTo    = &desktop.CustomShortcut{KeyName: fyne.KeyM, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	scHistory   = &desktop.CustomShortcut{KeyName: fyne.KeyH, Modifier: fyne.KeyModifierShortcutDefault}
	scBold      = &desktop.CustomShortcut{KeyName: fyne.KeyB, Modifier: fyne.KeyModifierShortcutDefault}
	scItalic    = &desktop.CustomShortcut{KeyName: fyne.KeyI, Modifier: fyne.KeyModifierShortcutDefault}
	scCode      = &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault}
)

// appShortcuts are the shortcuts installed on the canvas.
var appShortcuts = []*desktop.CustomShortcut{scNew, scSearch, scLock, scSync, scDelete, scDeleteAlt,
	scSwitcher, scLink, scHelp, scPreview, scMoveTo, scHistory}

// shortcuts routes the app's shortcuts to their actions, whether focus is
// in a text entry or nowhere.
//
// It also routes the keys that are not shortcuts (Esc, Enter, F1): to the
// open dialog first, else to the screen's onKey.
type shortcuts struct {
	actions map[string]func()
	modals  []*modal                  // open dialogs, the top one last
	onKey   func(*fyne.KeyEvent) bool // the screen's keys when no dialog is open
	// activity is told of every key, click and scroll the app sees (for
	// auto-lock).
	activity func()
}

// touch reports activity.
func (s *shortcuts) touch() {
	if s != nil && s.activity != nil {
		s.activity()
	}
}

// pushModal makes m the dialog that answers Esc and Enter.
func (s *shortcuts) pushModal(m *modal) { s.modals = append(s.modals, m) }

// popModal forgets m (it closed).
func (s *shortcuts) popModal(m *modal) {
	for i := len(s.modals) - 1; i >= 0; i-- {
		if s.modals[i] == m {
			s.modals = append(s.modals[:i], s.modals[i+1:]...)
			return
		}
	}
}

// key handles a key that is not a shortcut and reports whether it did:
// with a dialog open, Esc dismisses and Enter confirms it; otherwise the
// screen decides.
func (s *shortcuts) key(ev *fyne.KeyEvent) bool {
	if s == nil {
		return false
	}
	if n := len(s.modals); n > 0 {
		m := s.modals[n-1]
		switch ev.Name {
		case fyne.KeyEscape:
			m.dismiss()
			return true
		case fyne.KeyReturn, fyne.KeyEnter:
			if m.confirm != nil {
				m.confirm()
			} else {
				m.dismiss()
			}
			return true
		}
		return false
	}
	return s.onKey != nil && s.onKey(ev)
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
	for _, sc := range appShortcuts {
		c.AddShortcut(sc, func(fyne.Shortcut) { s.run(sc) })
	}
}

// entry is a widget.Entry that hands the app's shortcuts on instead of
// swallowing them. Ctrl+Delete stays "delete word" while typing; Ctrl+Shift+D
// deletes the note from an entry.
//
// Keys that are not shortcuts go first to onKey (the entry's own keys, e.g.
// Down in the search field), then Esc, F1 and Enter in a single-line entry
// without OnSubmitted go to the key router (dialogs, the screen), and the
// rest to the entry. A multi-line entry does not take Tab unless tabs is set,
// so Tab moves on from the body instead of typing into it.
type entry struct {
	widget.Entry
	sc         *shortcuts
	onKey      func(*fyne.KeyEvent) bool
	onShortcut func(fyne.Shortcut) bool
	tabs       bool
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

// TypedRune implements fyne.Focusable.
func (e *entry) TypedRune(r rune) {
	e.sc.touch()
	e.Entry.TypedRune(r)
}

// MouseDown implements desktop.Mouseable.
func (e *entry) MouseDown(m *desktop.MouseEvent) {
	e.sc.touch()
	e.Entry.MouseDown(m)
}

// AcceptsTab implements fyne.Tabbable.
func (e *entry) AcceptsTab() bool { return e.tabs }

// TypedKey implements fyne.Focusable.
func (e *entry) TypedKey(ev *fyne.KeyEvent) {
	e.sc.touch()
	if e.onKey != nil && e.onKey(ev) {
		return
	}
	switch ev.Name {
	case fyne.KeyEscape, fyne.KeyF1:
		if e.sc.key(ev) {
			return
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if !e.MultiLine && e.OnSubmitted == nil && e.sc.key(ev) {
			return
		}
	}
	e.Entry.TypedKey(ev)
}

// TypedShortcut implements fyne.Shortcutable.
func (e *entry) TypedShortcut(s fyne.Shortcut) {
	if e.onShortcut != nil && e.onShortcut(s) {
		return
	}
	if cs, ok := s.(*desktop.CustomShortcut); ok && cs.ShortcutName() != scDelete.ShortcutName() {
		if e.sc.run(cs) {
			return
		}
	}
	e.Entry.TypedShortcut(s)
}

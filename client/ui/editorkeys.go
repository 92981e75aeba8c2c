package ui

import (
	"fyne.io/fyne/v2"
)

// markers are the Markdown marks that Ctrl+B, Ctrl+I and Ctrl+E put
// around the selection.
var markers = map[string]string{
	scBold.ShortcutName():   "**",
	scItalic.ShortcutName(): "_",
	scCode.ShortcutName():   "`",
}

// formatShortcut formats the body's selection for Ctrl+B, Ctrl+I, Ctrl+E.
func (e *editor) formatShortcut(s fyne.Shortcut) bool {
	mark, ok := markers[s.ShortcutName()]
	if !ok {
		return false
	}
	sel := e.body.SelectedText()
	e.replaceSelection(mark + sel + mark)
	if sel == "" {
		// Nothing was selected: leave the cursor between the marks.
		for range []rune(mark) {
			e.body.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
		}
	}
	return true
}

// replaceSelection puts text in place of the body's selection (or at its
// cursor) as one undoable edit, the way a paste does.
func (e *editor) replaceSelection(text string) {
	e.body.TypedShortcut(&fyne.ShortcutPaste{Clipboard: &textClipboard{text: text}})
}

// insertLink puts a [[title]] link at the body's cursor.
func (e *editor) insertLink(title string) {
	e.replaceSelection("[[" + title + "]]")
	e.focusBody()
}

// textClipboard is a private clipboard holding one text, so that an edit
// goes through the entry's paste without touching the system clipboard.
type textClipboard struct{ text string }

func (c *textClipboard) Content() string        { return c.text }
func (c *textClipboard) SetContent(text string) { c.text = text }

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// shortcutHelp is one row of the keyboard shortcuts sheet. The README's
// table lists the same rows (a test keeps them equal).
type shortcutHelp struct{ Keys, Does string }

// shortcutSheet is every key the app answers, in the order the sheet shows.
var shortcutSheet = []shortcutHelp{
	{"Ctrl+N", "New note"},
	{"Ctrl+P", "Quick switcher: open a note by typing part of its title"},
	{"Ctrl+F", "Search notes"},
	{"Ctrl+K", "Insert a link to a note"},
	{"Ctrl+B / Ctrl+I / Ctrl+E", "Bold, italic, code around the selection"},
	{"Ctrl+Shift+P", "Switch between editing and the preview"},
	{"Ctrl+Shift+M", "Move the open note to a notebook"},
	{"Ctrl+H", "History of the open note"},
	{"Ctrl+S", "Sync now"},
	{"Ctrl+L", "Lock"},
	{"Ctrl+Shift+D", "Move the open note to the trash (Undo shows for a few seconds)"},
	{"F2 / Delete (in the sidebar)", "Rename the chosen notebook in place / delete it (asks what to do with its notes)"},
	{"Tab / Shift+Tab", "Title → tags → body → note actions, and back"},
	{"Enter (in the title or tags)", "Go to the body"},
	{"Down / Enter / Esc (in search)", "Go to the results / open the selected note / clear the search"},
	{"Up / Down / Enter (in the list)", "Open the note above or below / go to the editor"},
	{"Enter / Esc (in a dialog)", "Confirm / cancel"},
	{"F1 or Ctrl+/", "This list"},
}

// showHelp opens the keyboard shortcuts sheet.
func (u *UI) showHelp() {
	if len(u.sc.modals) > 0 {
		return
	}
	grid := container.NewGridWithColumns(2)
	for _, r := range shortcutSheet {
		k := widget.NewLabel(r.Keys)
		k.TextStyle = fyne.TextStyle{Bold: true}
		k.Wrapping = fyne.TextWrapWord
		d := widget.NewLabel(r.Does)
		d.Wrapping = fyne.TextWrapWord
		grid.Add(k)
		grid.Add(d)
	}
	u.sheet("Keyboard shortcuts", grid, fyne.NewSize(720, 640))
}

package ui

import (
	"errors"

	"fyne.io/fyne/v2/dialog"
)

// showError tells the user what failed, in words. It never touches what
// they typed: entries keep their text behind the dialog.
func (u *UI) showError(what string, err error) {
	dialog.ShowError(errors.New(what+". "+words(err)), u.win)
}

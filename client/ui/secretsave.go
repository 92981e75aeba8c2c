package ui

import (
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// secretButtons makes the Copy and Save to file… buttons of a secret
// shown once (the recovery key, the two-factor recovery codes). Copy puts
// secret on the clipboard and says copied in status. Save asks for a file
// (proposing the name file) and saves the secret there with saveSecret.
func (u *UI) secretButtons(secret, copied, file string, status *widget.Label, write func(io.Writer) error) (copyBt, saveBt *widget.Button) {
	copyBt = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		u.app.Clipboard().SetContent(secret)
		status.SetText(copied)
	})
	saveBt = widget.NewButtonWithIcon("Save to file…", theme.DocumentSaveIcon(), func() {
		d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil {
				u.showError("Couldn't save the file", err)
				return
			}
			if w == nil {
				return // cancelled
			}
			u.saveSecret(w, status, write)
		}, u.win)
		d.SetFileName(file)
		u.fileDialog(d)
	})
	return copyBt, saveBt
}

// saveSecret makes the file of w readable by its owner only, then lets
// write put the secret in it, and says where it went in status, or shows
// the error.
func (u *UI) saveSecret(w fyne.URIWriteCloser, status *widget.Label, write func(io.Writer) error) {
	werr := restrictFile(w) // 0600 before the secret is in it
	if werr == nil {
		werr = write(w)
	}
	if cerr := w.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		u.showError("Couldn't save the file", werr)
		return
	}
	status.SetText("Saved to " + w.URI().Path())
}

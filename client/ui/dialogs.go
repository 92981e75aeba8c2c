package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/core"
)

// modal is an open dialog and what its keys do: Esc runs dismiss, Enter
// runs confirm (or dismiss when confirm is nil, as for a message). Either
// may refuse silently, e.g. while the dialog's work is running.
type modal struct {
	dismiss func()
	confirm func()
}

// trackModal makes d answer Esc and Enter until it closes.
func (u *UI) trackModal(d dialog.Dialog, confirm func()) *modal {
	m := &modal{dismiss: d.Dismiss, confirm: confirm}
	u.sc.pushModal(m)
	d.SetOnClosed(func() { u.sc.popModal(m) })
	return m
}

// confirm asks a yes/no question. Enter confirms, Esc cancels; danger
// colours the confirm button red.
func (u *UI) confirm(title, message, confirmText string, danger bool, fn func()) dialog.Dialog {
	msg := widget.NewLabel(message)
	msg.Wrapping = fyne.TextWrapWord
	return u.confirmWith(title, withMinSize(420, 0, msg), confirmText, danger, fn)
}

// confirmWith is confirm with any content.
func (u *UI) confirmWith(title string, content fyne.CanvasObject, confirmText string, danger bool, fn func()) dialog.Dialog {
	var d *dialog.CustomDialog
	cancel := newKeyButton(u.sc, "Cancel", nil, func() { d.Hide() })
	ok := newKeyButton(u.sc, confirmText, nil, func() {
		d.Hide()
		fn()
	})
	ok.Importance = widget.HighImportance
	if danger {
		ok.Importance = widget.DangerImportance
	}
	d = dialog.NewCustomWithoutButtons(title, content, u.win)
	d.SetButtons([]fyne.CanvasObject{cancel, ok})
	u.trackModal(d, ok.OnTapped)
	d.Show()
	return d
}

// inform shows a message; Enter or Esc closes it.
func (u *UI) inform(title, message string) dialog.Dialog {
	msg := widget.NewLabel(message)
	msg.Wrapping = fyne.TextWrapWord
	var d *dialog.CustomDialog
	ok := newKeyButton(u.sc, "OK", nil, func() { d.Hide() })
	ok.Importance = widget.HighImportance
	d = dialog.NewCustomWithoutButtons(title, withMinSize(420, 0, msg), u.win)
	d.SetButtons([]fyne.CanvasObject{ok})
	u.trackModal(d, nil)
	d.Show()
	return d
}

// showError tells the user what failed, in words, never cut short. It
// never touches what they typed: entries keep their text behind the dialog.
func (u *UI) showError(what string, err error) {
	if errors.Is(err, core.ErrCertificateChanged) {
		u.confirm(what, what+". "+words(err), "Review certificate…", false, u.reviewCertificate)
		return
	}
	d := dialog.NewError(errors.New(what+". "+words(err)), u.win)
	u.trackModal(d, nil)
	d.Show()
}

// fileDialog makes a Fyne file dialog close on Esc; Enter stays with the
// dialog's own fields.
func (u *UI) fileDialog(d *dialog.FileDialog) {
	u.trackModal(d, func() {})
	d.Show()
}

// keyButton is a button that also answers Enter when focused and hands Esc
// and F1 to the app's key router.
type keyButton struct {
	widget.Button
	sc *shortcuts
}

func newKeyButton(sc *shortcuts, text string, icon fyne.Resource, fn func()) *keyButton {
	b := &keyButton{sc: sc}
	b.Text, b.Icon, b.OnTapped = text, icon, fn
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey implements fyne.Focusable.
func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if !b.Disabled() && b.OnTapped != nil {
			b.OnTapped()
		}
		return
	case fyne.KeyEscape, fyne.KeyF1:
		if b.sc.key(ev) {
			return
		}
	}
	b.Button.TypedKey(ev)
}

// sheet is a dialog with a single close button, for reference content.
func (u *UI) sheet(title string, content fyne.CanvasObject, size fyne.Size) dialog.Dialog {
	var d *dialog.CustomDialog
	closeBt := newKeyButton(u.sc, "Close", nil, func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(title, container.NewVScroll(content), u.win)
	d.SetButtons([]fyne.CanvasObject{closeBt})
	d.Resize(fitIn(size, u.win.Canvas().Size()))
	u.trackModal(d, nil)
	d.Show()
	return d
}

// fitIn is want made no larger than 90 % of room.
func fitIn(want, room fyne.Size) fyne.Size {
	return fyne.NewSize(min(want.Width, room.Width*0.9), min(want.Height, room.Height*0.9))
}

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// formDialog is a dialog whose confirm button runs work off the UI thread.
// A failure is shown inside the dialog, which stays open with everything
// typed still in its fields; only success closes it.
type formDialog struct {
	d       *dialog.CustomDialog
	errText *widget.Label
	hint    *widget.Label
	spinner *widget.Activity
	ok      *keyButton
	cancel  *keyButton
	busyTx  *widget.Label
	check   func() string // "" when the form may be sent, else why not
	busy    bool

	// busyText says what runs while the spinner turns (default "Working…").
	busyText string

	onCancel func() // optional, after Cancel (or Esc) closed it
}

// showForm opens a form dialog. check (optional) is re-run by recheck to
// enable the confirm button; work runs in the background and done (optional)
// runs on the UI thread after it succeeds.
func (u *UI) showForm(title, confirm string, danger bool, content fyne.CanvasObject, check func() string, work func() error, done func()) *formDialog {
	f := &formDialog{errText: errorLabel(), hint: caption(""), spinner: widget.NewActivity(), busyTx: widget.NewLabel(""), check: check}
	f.hint.Wrapping = fyne.TextWrapWord
	f.spinner.Hide()
	f.busyTx.Wrapping = fyne.TextWrapWord
	f.busyTx.Hide()
	f.cancel = newKeyButton(u.sc, "Cancel", nil, func() {
		if !f.busy {
			f.d.Hide()
			if f.onCancel != nil {
				f.onCancel()
			}
		}
	})
	f.ok = newKeyButton(u.sc, confirm, nil, func() {
		if f.busy || (f.check != nil && f.check() != "") {
			return
		}
		f.setBusy(true)
		setError(f.errText, nil)
		u.background(func() func() {
			err := work()
			return func() {
				f.setBusy(false)
				if err != nil {
					setError(f.errText, err)
					return
				}
				f.d.Hide()
				if done != nil {
					done()
				}
			}
		})
	})
	f.ok.Importance = widget.HighImportance
	if danger {
		f.ok.Importance = widget.DangerImportance
	}
	// The hint and the busy line share one row that is always there, so
	// the buttons never move while the user types or waits.
	busyRow := container.NewBorder(nil, nil, f.spinner, nil, f.busyTx)
	body := container.NewVBox(content, f.errText, container.NewStack(f.hint, busyRow))
	f.d = dialog.NewCustomWithoutButtons(title, withMinSize(440, 0, body), u.win)
	f.d.SetButtons([]fyne.CanvasObject{f.cancel, f.ok})
	m := u.trackModal(f.d, f.ok.OnTapped)
	m.dismiss = f.cancel.OnTapped // not while the work runs
	f.recheck()
	f.d.Show()
	return f
}

// recheck updates the confirm button after a field changed.
func (f *formDialog) recheck() {
	why := ""
	if f.check != nil {
		why = f.check()
	}
	f.hint.SetText(why)
	if f.busy {
		f.hint.Hide()
	} else {
		f.hint.Show()
	}
	if why != "" || f.busy {
		f.ok.Disable()
	} else {
		f.ok.Enable()
	}
}

func (f *formDialog) setBusy(on bool) {
	f.busy = on
	if on {
		text := f.busyText
		if text == "" {
			text = "Working…"
		}
		f.busyTx.SetText(text)
		f.busyTx.Show()
		f.spinner.Show()
		f.spinner.Start()
		f.cancel.Disable()
	} else {
		f.busyTx.Hide()
		f.spinner.Stop()
		f.spinner.Hide()
		f.cancel.Enable()
	}
	f.recheck()
}

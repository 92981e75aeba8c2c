package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// unlockView asks for the password. The key derivation runs on a
// goroutine while a spinner turns; a wrong password is said in words and the
// field keeps its text, selected, so it can be retyped or corrected.
type unlockView struct {
	password *entry
	remember *widget.Check
	button   *widget.Button
	spinner  *widget.Activity
	errText  *widget.Label
	recover  *widget.Button
	content  fyne.CanvasObject
}

func (u *UI) showUnlock() {
	v := &unlockView{}
	acct := u.api.Account()
	v.password = newPasswordEntry(u.sc)
	v.password.SetPlaceHolder("Password")
	v.remember = widget.NewCheck("Remember this device (unlock with the system keyring)", nil)
	v.remember.SetChecked(u.api.DeviceRemembered())
	v.spinner = widget.NewActivity()
	v.spinner.Hide()
	v.errText = errorLabel()
	v.button = widget.NewButton("Unlock", func() { u.unlock(v) })
	v.button.Importance = widget.HighImportance
	v.password.OnSubmitted = func(string) { u.unlock(v) }
	v.recover = widget.NewButton("Forgot your password? Use your recovery key", func() { u.showFirstRun(modeRecover) })
	v.recover.Importance = widget.LowImportance

	who := acct.Username
	if acct.ServerURL != "" {
		who += " on " + acct.ServerURL
	}
	title := heading("Cipherleaf is locked")
	title.Alignment = fyne.TextAlignCenter
	whoLabel := caption(who)
	whoLabel.Alignment = fyne.TextAlignCenter
	whoLabel.Wrapping = fyne.TextWrapWord

	v.content = card(420, container.NewVBox(
		container.NewCenter(widget.NewIcon(lockIcon())),
		title,
		whoLabel,
		layout.NewSpacer(),
		v.password,
		v.remember,
		v.errText,
		container.NewStack(v.button, container.NewCenter(v.spinner)),
		v.recover,
	))
	u.setContent(v.content)
	u.setTitle(windowTitle(titleLocked))
	u.win.Canvas().Focus(v.password)

	// Only the first unlock screen of a run tries the device key: after a
	// lock, the password is needed again.
	first := !u.triedDevice
	u.triedDevice = true
	if first && u.api.DeviceRemembered() {
		v.busy(true)
		u.background(func() func() {
			err := u.api.UnlockWithDevice()
			return func() {
				v.busy(false)
				if err == nil && !u.api.Locked() {
					u.showMain()
				}
				// Otherwise the password prompt stays; no error: the user
				// simply types the password.
			}
		})
	}
}

func (v *unlockView) busy(on bool) {
	if on {
		v.button.Disable()
		v.button.SetText("")
		v.password.Disable()
		v.spinner.Show()
		v.spinner.Start()
		return
	}
	v.spinner.Stop()
	v.spinner.Hide()
	v.button.SetText("Unlock")
	v.button.Enable()
	v.password.Enable()
}

// unlock derives the key off the UI thread and opens the notes.
func (u *UI) unlock(v *unlockView) {
	if v.password.Text == "" || v.password.Disabled() {
		return
	}
	pw := []byte(v.password.Text)
	remember := v.remember.Checked
	setting := remember != u.api.DeviceRemembered()
	v.busy(true)
	setError(v.errText, nil)
	u.background(func() func() {
		err := u.api.Unlock(pw)
		clear(pw)
		var rememberErr error
		if err == nil && setting {
			rememberErr = u.api.RememberDevice(remember)
		}
		return func() {
			v.busy(false)
			if err != nil {
				setError(v.errText, err)
				v.password.TypedShortcut(&fyne.ShortcutSelectAll{})
				u.win.Canvas().Focus(v.password)
				return
			}
			v.password.SetText("")
			u.showMain()
			if rememberErr != nil {
				u.showError("This device could not be remembered", rememberErr)
			}
		}
	})
}

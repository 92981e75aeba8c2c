package ui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/protocol"
)

// askSignIn asks for the password in place when the server ended this
// device's session (revoked, password changed on another device, a refresh
// token presented twice). The notes screen stays; the vault and its
// pending edits stay; signing in again resumes syncing. It asks once per
// ended session: cancelling leaves the status line saying why sync stopped,
// and the next sync that meets the ended session asks again.
func (u *UI) askSignIn() {
	if u.main == nil || u.signingIn {
		return
	}
	u.signingIn = true
	acct := u.api.Account()
	pw := newPasswordEntry(u.sc)
	pw.SetPlaceHolder("Password")
	code := newEntry(u.sc)
	code.SetPlaceHolder("Two-factor code (if you use one)")
	content := container.NewVBox(
		paragraph("The server signed this device out (the session was revoked or the password changed on another device). "+
			"Your notes and the edits not yet synced stay on this device."),
		widget.NewLabel("Password for “"+acct.Username+"”:"),
		pw,
		code,
	)
	check := func() string {
		if pw.Text == "" {
			return "Enter your password."
		}
		return ""
	}
	f := u.showForm("Sign in again", "Sign in", false, content, check, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		in := core.LoginInput{ServerURL: acct.ServerURL, Pin: acct.Fingerprint, Username: acct.Username, Password: []byte(pw.Text)}
		if c := strings.TrimSpace(code.Text); c != "" {
			in.SecondFactor = protocol.SecondFactor{TOTPCode: c}
		}
		return u.api.Login(ctx, in) // a failure stays in the dialog, fields kept
	}, func() { u.signingIn = false })
	f.onCancel = func() { u.signingIn = false }
	pw.OnChanged = func(string) { f.recheck() }
	u.win.Canvas().Focus(pw)
}

// sessionEnded reports whether a sync status says the server ended the
// session.
func sessionEnded(s core.SyncStatus) bool {
	return s.State == core.StateError && errors.Is(s.Err, core.ErrSessionExpired)
}

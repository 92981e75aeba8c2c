package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/skip2/go-qrcode"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/protocol"
)

// twoFactorCore is what Settings → Two-factor needs of the core
// (*core.Core implements it).
type twoFactorCore interface {
	TwoFactorStatus(ctx context.Context) (*protocol.TwoFactorStatus, error)
	EnableTwoFactor(ctx context.Context, password []byte) (*core.TwoFactorEnrolment, error)
	ConfirmTwoFactor(ctx context.Context, code string) ([]string, error)
	DisableTwoFactor(ctx context.Context, password []byte, f protocol.SecondFactor) error
}

var _ twoFactorCore = (*core.Core)(nil)

// qrSize is the side of the enrolment QR code, in pixels of the image and
// in points on screen.
const qrSize = 220

// qrImage draws uri as a QR code (medium error correction).
func qrImage(uri string) (image.Image, error) {
	q, err := qrcode.New(uri, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("draw QR code: %w", err)
	}
	return q.Image(qrSize), nil
}

// secondFactorForm is a code entry with "use a recovery code instead".
type secondFactorForm struct {
	code        *entry
	useRecovery *widget.Check
	content     fyne.CanvasObject
}

func newSecondFactorForm(sc *shortcuts) *secondFactorForm {
	f := &secondFactorForm{code: newEntry(sc)}
	f.code.SetPlaceHolder("6-digit code from your authenticator app")
	f.useRecovery = widget.NewCheck("Use a recovery code instead", func(on bool) {
		if on {
			f.code.SetPlaceHolder("Recovery code (xxxxx-xxxxx)")
		} else {
			f.code.SetPlaceHolder("6-digit code from your authenticator app")
		}
	})
	f.content = container.NewVBox(f.code, f.useRecovery)
	return f
}

func (f *secondFactorForm) factor() protocol.SecondFactor {
	if f.useRecovery.Checked {
		return protocol.SecondFactor{RecoveryCode: strings.TrimSpace(f.code.Text)}
	}
	return core.CleanSecondFactor(protocol.SecondFactor{TOTPCode: f.code.Text})
}

func (f *secondFactorForm) problem() string {
	if strings.TrimSpace(f.code.Text) == "" {
		return "Enter the code."
	}
	return ""
}

// askSecondFactor asks for the two-factor code of a sign-in, recovery or
// sign-in-again and runs retry with it off the UI thread; done runs after
// it succeeds.
func (u *UI) askSecondFactor(retry func(ctx context.Context, f protocol.SecondFactor) error, done func()) {
	u.askCode("Sign in", retry, done)
}

// askCode is askSecondFactor with the confirm button's words.
func (u *UI) askCode(confirm string, retry func(ctx context.Context, f protocol.SecondFactor) error, done func()) {
	sf := newSecondFactorForm(u.sc)
	content := container.NewVBox(
		paragraph("This account uses two-factor sign-in. Enter the code your authenticator app shows now, or one of your recovery codes."),
		sf.content,
	)
	fd := u.showForm("Two-factor code", confirm, false, content, sf.problem, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), accountTimeout)
		defer cancel()
		return retry(ctx, sf.factor())
	}, done)
	sf.code.OnChanged = func(string) { fd.recheck() }
	u.win.Canvas().Focus(sf.code)
}

// twoFactor opens Settings → Two-factor: enrolment when it is off, turning
// it off when it is on.
func (v *settingsView) twoFactor() {
	u := v.u
	tf, ok := u.api.(twoFactorCore)
	if !ok {
		u.inform("Two-factor sign-in", "This build has no two-factor sign-in.")
		return
	}
	u.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), accountTimeout)
		defer cancel()
		st, err := tf.TwoFactorStatus(ctx)
		return func() {
			switch {
			case err != nil:
				u.showError("Couldn't read the two-factor setting", err)
			case st.Enabled:
				u.disableTwoFactor(tf, st)
			default:
				u.startEnrolment(tf)
			}
		}
	})
}

// startEnrolment asks for the password, then shows the new secret.
func (u *UI) startEnrolment(tf twoFactorCore) {
	pw := newPasswordEntry(u.sc)
	pw.SetPlaceHolder("Password")
	var en *core.TwoFactorEnrolment
	content := container.NewVBox(
		paragraph("Two-factor sign-in asks for a code from an authenticator app (such as Aegis, Google Authenticator or 1Password) whenever a device signs in, changes the password or deletes the account. Enter your password to start."),
		pw,
	)
	f := u.showForm("Turn on two-factor sign-in", "Continue", false, content, func() string {
		if pw.Text == "" {
			return "Enter your password."
		}
		return ""
	}, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), accountTimeout)
		defer cancel()
		var err error
		en, err = tf.EnableTwoFactor(ctx, []byte(pw.Text))
		return err
	}, func() { u.showEnrolment(tf, en) })
	pw.OnChanged = func(string) { f.recheck() }
}

// enrolmentView is the QR code, the secret to copy and the code that
// confirms enrolment.
type enrolmentView struct {
	secret  *widget.Label
	copyBt  *widget.Button
	copied  *widget.Label
	code    *entry
	content fyne.CanvasObject
}

// newEnrolmentView builds the enrolment content for en.
func (u *UI) newEnrolmentView(en *core.TwoFactorEnrolment) (*enrolmentView, error) {
	img, err := qrImage(en.URI)
	if err != nil {
		return nil, err
	}
	v := &enrolmentView{code: newEntry(u.sc)}
	qr := canvas.NewImageFromImage(img)
	qr.FillMode = canvas.ImageFillContain
	qr.ScaleMode = canvas.ImageScalePixels
	qr.SetMinSize(fyne.NewSize(qrSize, qrSize))
	v.secret = widget.NewLabel(groupSecret(en.Secret))
	v.secret.TextStyle = fyne.TextStyle{Monospace: true}
	v.secret.Alignment = fyne.TextAlignCenter
	v.secret.Selectable = true
	v.copied = caption("")
	v.copied.Alignment = fyne.TextAlignCenter
	v.copyBt = widget.NewButtonWithIcon("Copy secret", theme.ContentCopyIcon(), func() {
		u.app.Clipboard().SetContent(en.Secret)
		v.copied.SetText("Copied. Paste it into your authenticator app, then clear the clipboard.")
	})
	v.code.SetPlaceHolder("6-digit code from the app")
	v.content = container.NewVBox(
		paragraph("1. Scan this code with your authenticator app, or type the secret below into it."),
		container.NewCenter(qr),
		v.secret,
		container.NewCenter(v.copyBt),
		v.copied,
		paragraph("2. Enter the code the app shows to finish."),
		v.code,
	)
	return v, nil
}

// groupSecret writes a base32 secret in groups of four for reading aloud.
func groupSecret(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// showEnrolment shows the secret and confirms with a code; the recovery
// codes follow.
func (u *UI) showEnrolment(tf twoFactorCore, en *core.TwoFactorEnrolment) {
	v, err := u.newEnrolmentView(en)
	if err != nil {
		u.showError("Couldn't start two-factor sign-in", err)
		return
	}
	var codes []string
	f := u.showForm("Turn on two-factor sign-in", "Turn on", false, v.content, func() string {
		if strings.TrimSpace(v.code.Text) == "" {
			return "Enter the code from the app."
		}
		return ""
	}, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), accountTimeout)
		defer cancel()
		var err error
		codes, err = tf.ConfirmTwoFactor(ctx, v.code.Text)
		return err
	}, func() { u.showRecoveryCodes(codes) })
	v.code.OnChanged = func(string) { f.recheck() }
}

// recoveryCodesView lists the one-time codes with Copy and Save.
type recoveryCodesView struct {
	list    *widget.Label
	copyBt  *widget.Button
	saveBt  *widget.Button
	note    *widget.Label
	content fyne.CanvasObject
}

func (u *UI) newRecoveryCodesView(codes []string) *recoveryCodesView {
	v := &recoveryCodesView{}
	text := strings.Join(codes, "\n")
	v.list = widget.NewLabel(text)
	v.list.TextStyle = fyne.TextStyle{Monospace: true}
	v.list.Alignment = fyne.TextAlignCenter
	v.list.Selectable = true
	v.note = caption("")
	v.note.Alignment = fyne.TextAlignCenter
	v.copyBt, v.saveBt = u.secretButtons(text, "Copied. Paste them into your password manager, then clear the clipboard.",
		"cipherleaf-2fa-recovery-codes.txt", v.note, func(w io.Writer) error {
			_, err := fmt.Fprintf(w, "Cipherleaf two-factor recovery codes for %s on %s\nEach works once, in place of a code from the app.\n\n%s\n",
				u.api.Account().Username, u.api.Account().ServerURL, text)
			return err
		})
	v.content = container.NewVBox(
		paragraph("Two-factor sign-in is on. If you lose your authenticator app, each of these codes signs in once. They are shown only now."),
		v.list,
		container.NewCenter(container.NewHBox(v.copyBt, v.saveBt)),
		v.note,
	)
	return v
}

// showRecoveryCodes shows the ten codes once.
func (u *UI) showRecoveryCodes(codes []string) {
	v := u.newRecoveryCodesView(codes)
	d := dialog.NewCustom("Your recovery codes", "I have stored them", v.content, u.win)
	d.Resize(fyne.NewSize(480, 0))
	d.Show()
}

// disableTwoFactor turns it off with the password and a code.
func (u *UI) disableTwoFactor(tf twoFactorCore, st *protocol.TwoFactorStatus) {
	pw := newPasswordEntry(u.sc)
	pw.SetPlaceHolder("Password")
	sf := newSecondFactorForm(u.sc)
	content := container.NewVBox(
		paragraph(fmt.Sprintf("Two-factor sign-in is on (%d recovery codes left). Turning it off needs your password and a code.", st.RecoveryCodesLeft)),
		pw, sf.content,
	)
	check := func() string {
		if pw.Text == "" {
			return "Enter your password."
		}
		return sf.problem()
	}
	f := u.showForm("Turn off two-factor sign-in", "Turn off", true, content, check, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), accountTimeout)
		defer cancel()
		return tf.DisableTwoFactor(ctx, []byte(pw.Text), sf.factor())
	}, func() { u.inform("Two-factor sign-in is off", "Devices sign in with the password alone.") })
	pw.OnChanged = func(string) { f.recheck() }
	sf.code.OnChanged = func(string) { f.recheck() }
}

// restrictFile makes a file being saved readable by its owner only (0600)
// before anything secret is written into it. Only local files are
// restricted; Fyne's file dialogs save nowhere else.
func restrictFile(w fyne.URIWriteCloser) error {
	if w.URI().Scheme() != "file" {
		return nil
	}
	if err := os.Chmod(w.URI().Path(), 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("restrict file: %w", err)
	}
	return nil
}

// codeAccountCore is what account changes need when 2FA is on
// (*core.Core implements it).
type codeAccountCore interface {
	ChangePasswordCode(ctx context.Context, oldPassword, newPassword []byte, f protocol.SecondFactor) error
	DeleteAccountCode(ctx context.Context, password []byte, f protocol.SecondFactor) error
}

var _ codeAccountCore = (*core.Core)(nil)

// codeFollowUp lets a settings form that met ErrTwoFactorRequired close
// and ask for the code next, then redo its work with it.
type codeFollowUp struct{ needed bool }

// check is the form's work result: a missing code is not a failure of
// the form, the code prompt follows.
func (c *codeFollowUp) check(err error) error {
	c.needed = errors.Is(err, core.ErrTwoFactorRequired)
	if c.needed {
		return nil
	}
	return err
}

// then is the form's done: the code prompt (running retry with the code
// and done after) when a code was needed, else done.
func (u *UI) then(c *codeFollowUp, confirm string, retry func(ctx context.Context, ac codeAccountCore, f protocol.SecondFactor) error, done func()) func() {
	return func() {
		ac, ok := u.api.(codeAccountCore)
		if c.needed && ok {
			u.askCode(confirm, func(ctx context.Context, f protocol.SecondFactor) error { return retry(ctx, ac, f) }, done)
			return
		}
		if done != nil {
			done()
		}
	}
}

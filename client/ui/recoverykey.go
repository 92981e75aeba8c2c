package ui

import (
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// writeRecoveryKeyFile writes the text file "Save to file…" produces.
func writeRecoveryKeyFile(w io.Writer, key, username, server string, now time.Time) error {
	_, err := fmt.Fprintf(w, `Cipherleaf recovery key

Account: %s
Server:  %s
Created: %s

%s

Anyone with this key and your user name can reset your password and read
your notes. Keep it somewhere safe and private: a password manager, or
printed and filed. Cipherleaf cannot show it again.
`, username, server, now.Format("2 January 2006 15:04"), key)
	return err
}

// recoveryKeyLines breaks the printed key after every fourth group so that
// it reads in three short lines (a line break never splits a group).
func recoveryKeyLines(key string) string {
	groups := strings.Split(key, "-")
	var b strings.Builder
	for i, g := range groups {
		b.WriteString(g)
		if i < len(groups)-1 {
			b.WriteString("-")
			if (i+1)%4 == 0 {
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

// recoveryKeyView shows a recovery key once: copy, save to file, and a
// required confirmation before continuing.
type recoveryKeyView struct {
	key     *widget.Label
	copyBt  *widget.Button
	saveBt  *widget.Button
	stored  *widget.Check
	done    *widget.Button
	saved   *widget.Label
	content fyne.CanvasObject
}

// showRecoveryKey replaces the window's content with the key; first says
// whether this is the account's first key (registration) or a replacement.
func (u *UI) showRecoveryKey(key string, first bool, then func()) {
	v := u.newRecoveryKeyView(key, first, then)
	u.setContent(card(560, v.content))
	u.setTitle(windowTitle(titleRecoveryKey))
}

func (u *UI) newRecoveryKeyView(key string, first bool, then func()) *recoveryKeyView {
	v := &recoveryKeyView{}
	v.key = widget.NewLabel(recoveryKeyLines(key))
	v.key.TextStyle = fyne.TextStyle{Monospace: true, Bold: true}
	v.key.Alignment = fyne.TextAlignCenter
	v.key.Selectable = true
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	keyBox := container.NewStack(bg, container.NewPadded(v.key))

	v.saved = caption("")
	v.saved.Alignment = fyne.TextAlignCenter
	v.copyBt, v.saveBt = u.secretButtons(key, "Copied. Paste it into your password manager, then clear the clipboard.",
		"cipherleaf-recovery-key.txt", v.saved, func(w io.Writer) error {
			acct := u.api.Account()
			return writeRecoveryKeyFile(w, key, acct.Username, acct.ServerURL, u.now())
		})
	v.done = widget.NewButton("Continue", then)
	v.done.Importance = widget.HighImportance
	v.done.Disable()
	v.stored = widget.NewCheck("I have stored my recovery key somewhere safe", func(on bool) {
		if on {
			v.done.Enable()
		} else {
			v.done.Disable()
		}
	})

	title := "Your recovery key"
	intro := "If you forget your password, this key is the only way back to your notes: the server can’t reset it for you. It is shown only this once."
	if !first {
		title = "Your new recovery key"
		intro = "This key replaces your old one, which no longer works. It is shown only this once."
	}
	v.content = container.NewVBox(
		container.NewHBox(widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon())), heading(title)),
		paragraph(intro),
		keyBox,
		container.NewCenter(container.NewHBox(v.copyBt, v.saveBt)),
		v.saved,
		paragraph("Store it in a password manager or print it and keep it with your important papers. Anyone who has it can reset your password."),
		v.stored,
		v.done,
	)
	return v
}

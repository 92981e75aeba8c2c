package ui

import (
	"context"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/core"
)

// confirmTail is how many characters, from the end of the new fingerprint,
// the user types to trust it: what the server's operator reads out, so
// that the comparison is made, not skipped.
const confirmTail = 8

// fingerprintHex is fp without "sha256:", spaces or colons, lower case.
func fingerprintHex(fp string) string {
	s := strings.ToLower(strings.TrimSpace(fp))
	s = strings.TrimPrefix(s, "sha256:")
	return strings.NewReplacer(" ", "", ":", "", "\n", "", "\t", "").Replace(s)
}

// tailMatches reports whether typed is the last confirmTail characters of
// fp (case, spaces and colons ignored).
func tailMatches(typed, fp string) bool {
	h, t := fingerprintHex(fp), fingerprintHex(typed)
	return len(h) >= confirmTail && len(t) == confirmTail && strings.HasSuffix(h, t)
}

// reviewCertificate checks the certificate the account's server presents
// now and, when it is not the trusted one, opens the re-pin dialog.
func (u *UI) reviewCertificate() {
	u.touch()
	acct := u.api.Account()
	if acct.ServerURL == "" {
		return
	}
	u.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		info, err := u.api.ProbeServer(ctx, acct.ServerURL)
		return func() {
			switch {
			case err != nil:
				u.showError("Couldn't check the server's certificate", err)
			case sameFingerprint(acct.Fingerprint, info.Fingerprint) || (acct.Fingerprint == "" && info.PublicTrusted):
				u.inform("Certificate unchanged", "The server presents the certificate you trusted. Syncing again.")
				if u.main != nil {
					u.main.syncNow()
				}
			default:
				u.showRepin(acct, info)
			}
		}
	})
}

// showRepin shows the trusted and the presented fingerprint side by side,
// what to ask the server's operator, and asks for the end of the new
// fingerprint before trusting it.
func (u *UI) showRepin(acct core.AccountInfo, now core.ServerInfo) *formDialog {
	host := acct.ServerURL
	if p, err := url.Parse(acct.ServerURL); err == nil && p.Host != "" {
		host = p.Host
	}
	oldText := groupFingerprint(acct.Fingerprint)
	if acct.Fingerprint == "" {
		oldText = "none pinned:\nany certificate this\nsystem trusted"
	}
	pin := now.Fingerprint
	if now.PublicTrusted {
		pin = "" // as at first run: the system's authorities vouch for it
	}
	columns := container.NewGridWithColumns(2,
		container.NewVBox(subheading("Trusted until now"), fingerprintBox(oldText)),
		container.NewVBox(subheading("Presented now"), fingerprintBox(groupFingerprint(now.Fingerprint))),
	)
	quote := paragraph("“Did you replace the certificate of " + host + "? Please run “cipherleafd fingerprint” on the server and read me the fingerprint.”")
	quote.TextStyle = fyne.TextStyle{Italic: true}
	ask := container.NewVBox(
		paragraph("Ask the person who runs the server, by phone or in person (not through this server):"),
		container.NewPadded(quote))
	typed := newEntry(u.sc)
	typed.SetPlaceHolder("Last " + itoa(confirmTail) + " characters, as read to you")
	content := container.NewVBox(
		paragraph("Cipherleaf stopped talking to "+host+" because it presents a different certificate from the one you trusted. Nothing was sent. "+
			"An operator replacing the certificate looks exactly like someone intercepting the connection, so check with them before trusting it."),
		columns,
		ask,
		paragraph("Trust it only if they did replace it and every character they read matches “Presented now”. If they didn’t, cancel: your notes stay on this device and sync stays stopped."),
		widget.NewLabel("Type the last "+itoa(confirmTail)+" characters of the fingerprint they read:"),
		typed,
	)
	if now.PublicTrusted {
		content.Add(caption("The new certificate is also trusted by this system's certificate authorities; Cipherleaf will rely on them from now on."))
	}
	check := func() string {
		t := fingerprintHex(typed.Text)
		switch {
		case t == "":
			return "Type the end of the fingerprint to confirm."
		case len(t) < confirmTail:
			return "Type all " + itoa(confirmTail) + " characters."
		case !tailMatches(typed.Text, now.Fingerprint):
			return "That does not match the certificate the server presents now. Don't trust it."
		}
		return ""
	}
	f := u.showForm("The server's certificate has changed", "Trust the new certificate", true, withMinSize(560, 0, content), check, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		return u.api.Repin(ctx, pin)
	}, func() {
		if u.main != nil {
			u.main.status.saveState("New certificate trusted", nil)
			u.main.syncNow()
		}
	})
	f.busyText = "Checking that the server presents exactly this certificate…"
	typed.OnChanged = func(string) { f.recheck() }
	typed.OnSubmitted = func(string) { f.ok.OnTapped() }
	u.win.Canvas().Focus(typed)
	return f
}

// fingerprintBox shows a grouped fingerprint in monospace on a tinted,
// rounded block, selectable for copying.
func fingerprintBox(text string) fyne.CanvasObject {
	fp := widget.NewLabel(text)
	fp.TextStyle = fyne.TextStyle{Monospace: true}
	fp.Selectable = true
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	return container.NewStack(bg, container.NewPadded(fp))
}

package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/shared/protocol"
)

// requestTimeout bounds one account request made from settings.
const requestTimeout = time.Minute

// autoLockChoices are the auto-lock times offered, in minutes (0: never).
var autoLockChoices = []int{1, 5, 10, 15, 30, 60, 0}

func autoLockLabel(min int) string {
	switch min {
	case 0:
		return "Never"
	case 1:
		return "After 1 minute"
	default:
		return fmt.Sprintf("After %d minutes", min)
	}
}

var themeLabels = []string{"System", "Light", "Dark"}
var themeValues = []string{themeSystem, themeLight, themeDark}

// settingsView is the settings screen, shown in place of the notes.
type settingsView struct {
	m        *mainView
	u        *UI
	autoLock *widget.Select
	remember *widget.Check
	themes   *widget.RadioGroup
	sessions *fyne.Container
	content  fyne.CanvasObject
}

func (m *mainView) showSettings() {
	m.u.touch()
	m.editor.flush()
	m.u.api.EndTyping("") // leaving the note is an explicit save (SPEC §12.4)
	v := &settingsView{m: m, u: m.u}
	u := m.u
	acct := u.api.Account()

	back := widget.NewButtonWithIcon("Back to notes", theme.NavigateBackIcon(), func() { m.setCenter(nil) })
	back.Importance = widget.LowImportance

	// Account.
	fp := "Trusted by this system (no pinned certificate)"
	if acct.Fingerprint != "" {
		fp = groupFingerprint(acct.Fingerprint)
	}
	fpLabel := widget.NewLabel(fp)
	fpLabel.TextStyle = fyne.TextStyle{Monospace: acct.Fingerprint != ""}
	fpLabel.Selectable = true
	account := container.NewVBox(
		settingRow("User", widget.NewLabel(acct.Username)),
		settingRow("Server", wrapLabel(acct.ServerURL)),
		settingRow("Certificate", fpLabel),
	)

	// Security.
	var opts []string
	for _, c := range autoLockChoices {
		opts = append(opts, autoLockLabel(c))
	}
	v.autoLock = widget.NewSelect(opts, func(s string) {
		for _, c := range autoLockChoices {
			if autoLockLabel(c) == s {
				u.app.Preferences().SetInt(prefAutoLock, c)
				u.idle.Start(time.Duration(c) * time.Minute)
			}
		}
	})
	v.autoLock.SetSelected(autoLockLabel(u.autoLockMinutes()))
	v.remember = widget.NewCheck("Remember this device (unlock with the system keyring)", nil)
	v.remember.SetChecked(u.api.DeviceRemembered())
	v.remember.OnChanged = v.setRemember
	changePw := widget.NewButton("Change password…", v.changePassword)
	newKey := widget.NewButton("New recovery key…", v.newRecoveryKey)
	security := container.NewVBox(
		settingRow("Auto-lock", container.NewHBox(withMinSize(220, 0, v.autoLock))),
		settingRow("", v.remember),
		settingRow("Password", container.NewHBox(changePw, newKey)),
		settingRow("Two-factor", container.NewHBox(widget.NewButton("Two-factor sign-in…", v.twoFactor))),
	)
	v.addTokenStorageRow(security, 2)

	// Appearance.
	v.themes = widget.NewRadioGroup(themeLabels, nil)
	v.themes.Horizontal = true
	v.themes.Required = true
	cur := u.app.Preferences().StringWithFallback(prefTheme, themeSystem)
	if u.opts.Theme != "" {
		cur = u.opts.Theme
	}
	for i, t := range themeValues {
		if t == cur {
			v.themes.SetSelected(themeLabels[i])
		}
	}
	v.themes.OnChanged = func(s string) {
		for i, l := range themeLabels {
			if l == s {
				u.app.Preferences().SetString(prefTheme, themeValues[i])
				applyTheme(u.app, themeValues[i])
				m.list.list.Refresh()
				m.list.redrawSearchIcon()
				if m.editor.previewOn {
					m.editor.renderPreview() // code colours follow the theme
				}
			}
		}
	}
	mono := widget.NewCheck("Monospace font in the editor", func(on bool) {
		u.app.Preferences().SetBool(prefMonospace, on)
		m.editor.setMonospace(on)
	})
	mono.SetChecked(u.app.Preferences().Bool(prefMonospace))
	appearance := container.NewVBox(settingRow("Theme", container.NewHBox(v.themes)), settingRow("Editor", mono))

	// Devices.
	v.sessions = container.NewVBox(caption("Loading…"))
	signOutOthers := widget.NewButton("Sign out all other devices…", v.revokeOthers)
	devices := container.NewVBox(v.sessions, container.NewHBox(signOutOthers))

	// Backup.
	backup := container.NewVBox(
		container.NewHBox(
			widget.NewButtonWithIcon("Export encrypted backup…", theme.DownloadIcon(), v.exportEncrypted),
			widget.NewButtonWithIcon("Export as Markdown…", theme.DocumentIcon(), v.exportMarkdown),
			widget.NewButtonWithIcon("Import backup…", theme.UploadIcon(), v.importBackup),
		),
		caption("An encrypted backup opens with your password or recovery key. Markdown is plain text."),
		container.NewHBox(widget.NewButtonWithIcon("Import from another app…", theme.UploadIcon(), func() {
			u.showImport(v.m.list.reload)
		})),
	)

	// Leaving.
	logout := widget.NewButtonWithIcon("Log out of this device…", theme.LogoutIcon(), v.logout)
	del := widget.NewButtonWithIcon("Delete account…", theme.DeleteIcon(), v.deleteAccount)
	del.Importance = widget.DangerImportance
	leave := container.NewHBox(logout, del)

	col := container.NewVBox(
		container.NewHBox(back),
		heading("Settings"),
		section("Account", account),
		section("Security", security),
		section("Appearance", appearance),
		section("Devices signed in", devices),
		section("Backup", backup),
		section("Leave", leave),
	)
	scroll := container.NewVScroll(container.New(maxWidth{760}, container.NewPadded(col)))
	scroll.OnScrolled = func(fyne.Position) { u.touch() }
	v.content = scroll
	m.setCenter(v.content)
	v.loadSessions()
}

// settingLabelWidth lines up the labels of every section.
const settingLabelWidth = 120

// settingRow is a label in a fixed-width column beside its setting.
func settingRow(label string, o fyne.CanvasObject) fyne.CanvasObject {
	l := widget.NewLabel(label)
	l.TextStyle = fyne.TextStyle{Bold: true}
	return container.NewBorder(nil, nil, withMinSize(settingLabelWidth, 0, container.NewVBox(l)), nil, o)
}

// section is a titled group of settings.
func section(title string, content fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVBox(widget.NewSeparator(), subheading(title), content)
}

func wrapLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapBreak
	return l
}

func (v *settingsView) setRemember(on bool) {
	u := v.u
	u.background(func() func() {
		err := u.api.RememberDevice(on)
		return func() {
			if err != nil {
				v.remember.OnChanged = nil
				v.remember.SetChecked(!on)
				v.remember.OnChanged = v.setRemember
				u.showError("Couldn't change this setting", err)
			}
		}
	})
}

// loadSessions lists the devices signed in to the account.
func (v *settingsView) loadSessions() {
	u := v.u
	u.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		list, err := u.api.Sessions(ctx)
		return func() {
			if err != nil {
				l := caption("Couldn't load the devices. " + words(err))
				l.Wrapping = fyne.TextWrapWord
				v.sessions.Objects = []fyne.CanvasObject{l}
				v.sessions.Refresh()
				return
			}
			v.showSessions(list)
		}
	})
}

func (v *settingsView) showSessions(list []protocol.Session) {
	var rows []fyne.CanvasObject
	for _, s := range list {
		name := s.DeviceName
		if name == "" {
			name = "Unnamed device"
		}
		label := widget.NewLabel(name)
		label.Truncation = fyne.TextTruncateEllipsis
		seen := caption("Last active " + modifiedText(v.u.now(), s.LastSeen))
		var action fyne.CanvasObject
		if s.Current {
			action = caption("This device")
		} else {
			id, n := s.ID, name
			b := widget.NewButton("Sign out", func() { v.revoke(id, n) })
			b.Importance = widget.LowImportance
			action = b
		}
		rows = append(rows, container.NewBorder(nil, nil, nil, container.NewHBox(seen, action), label))
	}
	if len(rows) == 0 {
		rows = append(rows, caption("No devices."))
	}
	v.sessions.Objects = rows
	v.sessions.Refresh()
}

func (v *settingsView) revoke(id, name string) {
	u := v.u
	u.confirm("Sign out “"+name+"”?", "That device will have to sign in again with the password.", "Sign out", true, func() {
		u.background(func() func() {
			ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
			defer cancel()
			err := u.api.RevokeSession(ctx, id)
			return func() {
				if err != nil {
					u.showError("Couldn't sign that device out", err)
				}
				v.loadSessions()
			}
		})
	})
}

func (v *settingsView) revokeOthers() {
	u := v.u
	u.confirm("Sign out all other devices?", "Every other device will have to sign in again with the password. This device stays signed in.", "Sign out", true, func() {
		u.background(func() func() {
			ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
			defer cancel()
			err := u.api.RevokeOtherSessions(ctx)
			return func() {
				if err != nil {
					u.showError("Couldn't sign the other devices out", err)
				}
				v.loadSessions()
			}
		})
	})
}

// changePassword asks for the old and a new password.
func (v *settingsView) changePassword() {
	u := v.u
	old := newPasswordEntry(u.sc)
	old.SetPlaceHolder("Current password")
	pw := newPasswordEntry(u.sc)
	pw.SetPlaceHolder("New password")
	again := newPasswordEntry(u.sc)
	again.SetPlaceHolder("Repeat the new password")
	meter := newStrengthMeter()
	meter.set(strength{}, false)
	content := container.NewVBox(old, pw, meter.content, again)
	check := func() string {
		switch {
		case old.Text == "":
			return "Enter your current password."
		case !passwordStrength(pw.Text, u.api.Account().Username).OK:
			return "Choose a stronger new password."
		case pw.Text != again.Text:
			return "The two new passwords don’t match."
		}
		return ""
	}
	code := &codeFollowUp{} // two-factor: the code is asked next (twofactor.go)
	f := u.showForm("Change password", "Change password", false, content, check, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), accountTimeout)
		defer cancel()
		return code.check(u.api.ChangePassword(ctx, []byte(old.Text), []byte(pw.Text)))
	}, u.then(code, "Change password", func(ctx context.Context, ac codeAccountCore, f protocol.SecondFactor) error {
		return ac.ChangePasswordCode(ctx, []byte(old.Text), []byte(pw.Text), f)
	}, func() {
		u.inform("Password changed", "Use the new password from now on, on every device.")
	}))
	f.busyText = "Changing the password: deriving the new key, then telling the server. This takes a few seconds…"
	for _, e := range []*entry{old, pw, again} {
		e.OnChanged = func(string) {
			meter.set(passwordStrength(pw.Text, u.api.Account().Username), pw.Text != "")
			f.recheck()
		}
	}
}

// newRecoveryKey replaces the recovery key after asking for the password.
func (v *settingsView) newRecoveryKey() {
	u := v.u
	pw := newPasswordEntry(u.sc)
	pw.SetPlaceHolder("Password")
	var key string
	content := container.NewVBox(paragraph("A new recovery key replaces the old one, which stops working. Enter your password to continue."), pw)
	f := u.showForm("New recovery key", "Create new key", false, content,
		func() string {
			if pw.Text == "" {
				return "Enter your password."
			}
			return ""
		},
		func() error {
			ctx, cancel := context.WithTimeout(context.Background(), accountTimeout)
			defer cancel()
			k, err := u.api.NewRecoveryKey(ctx, []byte(pw.Text))
			key = k
			return err
		},
		func() {
			rk := u.newRecoveryKeyView(key, false, v.m.showSettings)
			v.m.setCenter(card(560, rk.content))
		})
	pw.OnChanged = func(string) { f.recheck() }
}

// exportEncrypted asks where to save an encrypted backup.
func (v *settingsView) exportEncrypted() {
	u := v.u
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		_ = w.Close()
		v.exportEncryptedTo(path)
	}, u.win)
	d.SetFileName("cipherleaf-backup-" + u.now().Format("2006-01-02") + ".cipherleaf")
	u.fileDialog(d)
}

func (v *settingsView) exportEncryptedTo(path string) {
	u := v.u
	u.background(func() func() {
		err := u.api.ExportEncrypted(path)
		return func() {
			if err != nil {
				u.showError("Couldn't export the backup", err)
				return
			}
			u.inform("Backup saved", "Saved to "+path+".\nIt opens with your password or your recovery key.")
		}
	})
}

// exportMarkdown warns, then asks for a folder for plain Markdown files.
func (v *settingsView) exportMarkdown() {
	u := v.u
	warn := paragraph("Your notes will be written as plain, unencrypted text files. Anyone who can read that folder — other users, backups, cloud sync — can read your notes.")
	u.confirmWith("Export unencrypted notes?", withMinSize(420, 0, warn), "Export anyway", true, func() {
		u.fileDialog(dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
			if err != nil || dir == nil {
				return
			}
			v.exportMarkdownTo(dir.Path())
		}, u.win))
	})
}

func (v *settingsView) exportMarkdownTo(dir string) {
	u := v.u
	u.background(func() func() {
		err := u.api.ExportMarkdown(dir)
		return func() {
			if err != nil {
				u.showError("Couldn't export the notes", err)
				return
			}
			u.inform("Notes exported", "Unencrypted Markdown files are in "+dir+".")
		}
	})
}

// importBackup asks for a backup file, then its password.
func (v *settingsView) importBackup() {
	u := v.u
	u.fileDialog(dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		v.importFrom(path)
	}, u.win))
}

// importFrom asks for the backup's password and imports it.
func (v *settingsView) importFrom(path string) {
	u := v.u
	pw := newPasswordEntry(u.sc)
	pw.SetPlaceHolder("Password or recovery key")
	var n int
	content := container.NewVBox(
		paragraph("Enter the password the account had when the backup was made, or your recovery key."),
		pw)
	f := u.showForm("Import backup", "Import", false, content,
		func() string {
			if pw.Text == "" {
				return "Enter the password or recovery key."
			}
			return ""
		},
		func() error {
			var err error
			n, err = u.api.Import(path, []byte(pw.Text))
			return err
		},
		func() {
			v.m.list.reload()
			msg := fmt.Sprintf("%d notes imported.", n)
			if n == 1 {
				msg = "1 note imported."
			}
			u.inform("Backup imported", msg)
		})
	pw.OnChanged = func(string) { f.recheck() }
}

// logout forgets the account on this device after a confirmation.
func (v *settingsView) logout() {
	u := v.u
	msg := "Your notes will be removed from this device. They stay on the server and on your other devices."
	switch p := u.api.Status().Pending; {
	case p == 1:
		msg += "\n\n1 change has not reached the server yet and will be lost. Sync first if you can."
	case p > 1:
		msg += fmt.Sprintf("\n\n%d changes have not reached the server yet and will be lost. Sync first if you can.", p)
	}
	content := paragraph(msg)
	u.showForm("Log out of this device?", "Log out", true, content, nil, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		return u.api.Logout(ctx)
	}, v.leave)
}

// deleteAccount deletes the account everywhere after a typed confirmation.
func (v *settingsView) deleteAccount() {
	u := v.u
	user := u.api.Account().Username
	typed := newEntry(u.sc)
	typed.SetPlaceHolder("Your user name") // not the name itself: it would look typed already
	pw := newPasswordEntry(u.sc)
	pw.SetPlaceHolder("Password")
	content := container.NewVBox(
		paragraph("This deletes your account and every note on the server and on all your devices. It can’t be undone. Export a backup first if you may want your notes later."),
		widget.NewLabel("Type your user name, “"+user+"”, to confirm:"),
		typed,
		pw,
	)
	check := func() string {
		switch {
		case strings.TrimSpace(typed.Text) != user:
			return "Type your user name exactly to confirm."
		case pw.Text == "":
			return "Enter your password."
		}
		return ""
	}
	code := &codeFollowUp{} // two-factor: the code is asked next (twofactor.go)
	f := u.showForm("Delete your account?", "Delete account forever", true, content, check, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), accountTimeout)
		defer cancel()
		return code.check(u.api.DeleteAccount(ctx, []byte(pw.Text)))
	}, u.then(code, "Delete account forever", func(ctx context.Context, ac codeAccountCore, f protocol.SecondFactor) error {
		return ac.DeleteAccountCode(ctx, []byte(pw.Text), f)
	}, v.leave))
	f.busyText = "Deleting your account and every note on the server…"
	typed.OnChanged = func(string) { f.recheck() }
	pw.OnChanged = func(string) { f.recheck() }
}

// leave goes back to the first-run screen after logging out or deleting.
func (v *settingsView) leave() {
	u := v.u
	if u.main != nil {
		u.leaveMain(false)
	}
	u.route()
}

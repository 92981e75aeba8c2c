package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/core"
)

func openSettings(t *testing.T) (*harness, *fakeAPI) {
	t.Helper()
	h, api, _ := unlocked(t, Options{})
	h.tap("Settings")
	h.mustShow("Settings")
	return h, api
}

func TestSettingsShowsAccountAndDevices(t *testing.T) {
	h, api := openSettings(t)
	h.mustShow("alice")
	h.mustShow("https://notes.test:8443")
	h.mustShow("ab12ab12ab12ab12  ab12ab12ab12ab12")
	h.mustShow("Laptop")
	h.mustShow("This device")
	h.mustShow("Office desktop")
	h.mustShow("Last active Wednesday")

	h.tap("Sign out")
	h.tap("Sign out")
	if api.called("RevokeSession") != 1 {
		t.Fatal("session not revoked")
	}
	h.mustNotShow("Office desktop")
	h.tap("Back to notes")
	h.mustShow("Groceries")
}

func TestSettingsAutoLockAndTheme(t *testing.T) {
	h, _ := openSettings(t)
	var sel *widget.Select
	var radio *widget.RadioGroup
	h.visit(func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Select:
			sel = x
		case *widget.RadioGroup:
			radio = x
		}
	})
	if sel.Selected != "After 10 minutes" {
		t.Errorf("auto-lock shows %q, want the default", sel.Selected)
	}
	sel.SetSelected("After 1 minute")
	if got := h.app.Preferences().Int(prefAutoLock); got != 1 {
		t.Errorf("auto-lock preference = %d, want 1", got)
	}
	h.advance(time.Minute + time.Second)
	h.mustShow("Cipherleaf is locked")

	if radio.Selected != "System" {
		t.Errorf("theme shows %q, want System", radio.Selected)
	}
	radio.SetSelected("Dark")
	if got := h.app.Preferences().String(prefTheme); got != themeDark {
		t.Errorf("theme preference = %q", got)
	}
	if v := h.app.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight); v != theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark) {
		t.Errorf("dark theme not applied: background %v", v)
	}
}

func TestSettingsChangePasswordKeepsFieldsOnError(t *testing.T) {
	h, api := openSettings(t)
	api.password = "old password here"
	h.tap("Change password…")
	h.typeInto(h.entry("Current password"), "not it")
	h.typeInto(h.entry("New password"), "a much better passphrase")
	if !h.button("Change password").Disabled() {
		t.Fatal("enabled before the new password was repeated")
	}
	h.typeInto(h.entry("Repeat the new password"), "a much better passphrase")
	h.tap("Change password")
	h.mustShow(core.Words(core.ErrWrongPassword))
	if got := h.entry("New password").Text; got != "a much better passphrase" {
		t.Errorf("new password field holds %q after the error", got)
	}
	cur := h.entry("Current password")
	cur.SetText("old password here")
	h.tap("Change password")
	if api.password != "a much better passphrase" {
		t.Errorf("password = %q", api.password)
	}
	h.mustShow("Password changed")
}

func TestSettingsNewRecoveryKey(t *testing.T) {
	h, api := openSettings(t)
	api.password = "pw"
	h.tap("New recovery key…")
	h.typeInto(h.entry("Password"), "pw")
	h.tap("Create new key")
	h.mustShow("Your new recovery key")
	h.mustShow("NEWKY-")
	test.Tap(h.check("I have stored my recovery key somewhere safe"))
	h.tap("Continue")
	h.mustShow("Devices signed in")
}

func TestSettingsDeleteAccountNeedsTypedName(t *testing.T) {
	h, api := openSettings(t)
	api.password = "pw"
	h.tap("Delete account…")
	h.typeInto(h.entry("Password"), "pw")
	h.typeInto(h.entry("Your user name"), "alic")
	if !h.button("Delete account forever").Disabled() {
		t.Fatal("delete enabled without the exact user name")
	}
	h.typeInto(h.entry("Your user name"), "e")
	h.tap("Delete account forever")
	if api.called("DeleteAccount") != 1 || api.HasAccount() {
		t.Fatal("account not deleted")
	}
	h.mustShow("Welcome to Cipherleaf")
}

func TestSettingsLogoutWarnsAboutPending(t *testing.T) {
	h, api := openSettings(t)
	api.mu.Lock()
	api.pending["x"] = true
	api.mu.Unlock()
	h.tap("Log out of this device…")
	h.mustShow("1 change has not reached the server")
	h.tap("Log out")
	if api.called("Logout") != 1 {
		t.Fatal("not logged out")
	}
	h.mustShow("Welcome to Cipherleaf")
}

func TestSettingsExportAndImport(t *testing.T) {
	h, api := openSettings(t)
	var v *settingsView
	// The file dialogs cannot be driven headless; call what they call.
	v = &settingsView{m: h.u.main, u: h.u}
	v.exportEncryptedTo(t.TempDir() + "/b.cipherleaf")
	h.wait()
	h.mustShow("Backup saved")
	h.tap("OK")
	v.exportMarkdownTo(t.TempDir())
	h.wait()
	h.mustShow("Unencrypted Markdown files are in")
	h.tap("OK")
	v.importFrom("/tmp/backup")
	h.typeInto(h.entry("Password or recovery key"), "pw")
	h.tap("Import")
	h.mustShow("3 notes imported.")
	if api.called("ExportEncrypted") != 1 || api.called("ExportMarkdown") != 1 || api.called("Import") != 1 {
		t.Errorf("calls: %v", api.calls)
	}
}

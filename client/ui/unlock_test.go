package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"cipherleaf.dev/client/core"
)

func TestUnlockWrongThenRightPassword(t *testing.T) {
	api := newFakeAPI().withAccount("lemon tree sky")
	sampleNotes(api)
	h := newHarness(t, api, Options{})
	h.mustShow("Cipherleaf is locked")
	h.mustShow("alice on https://notes.test:8443")

	pw := h.entry("Password")
	if h.canvas().Focused() != pw {
		t.Error("the password field does not have the focus")
	}
	h.typeInto(pw, "lemon tree")
	pw.TypedKey(&fyneKeyReturn)
	h.wait()
	h.mustShow(core.Words(core.ErrWrongPassword))
	if !api.Locked() {
		t.Fatal("unlocked with a wrong password")
	}
	if pw.Text != "lemon tree" {
		t.Errorf("password field holds %q after the error, want the typed text kept", pw.Text)
	}
	pw.SetText("lemon tree sky")
	h.tap("Unlock")
	if api.Locked() {
		t.Fatal("still locked after the right password")
	}
	h.mustShow("Groceries")
	h.mustNotShow("Cipherleaf is locked")
}

func TestUnlockRemembersDevice(t *testing.T) {
	api := newFakeAPI().withAccount("pw-pw-pw-pw")
	h := newHarness(t, api, Options{})
	test.Tap(h.check("Remember this device (unlock with the system keyring)"))
	h.typeInto(h.entry("Password"), "pw-pw-pw-pw")
	h.tap("Unlock")
	if !api.DeviceRemembered() {
		t.Fatal("remember this device was ticked but not applied")
	}

	// Next start: the remembered device unlocks without a password.
	api.Lock()
	h2 := newHarness(t, api, Options{})
	if api.called("UnlockWithDevice") != 1 || api.Locked() {
		t.Fatalf("UnlockWithDevice called %d times, locked=%v", api.called("UnlockWithDevice"), api.Locked())
	}
	h2.mustShow("New note")
	// A manual lock then asks for the password again.
	h2.shortcut(scLock)
	h2.mustShow("Cipherleaf is locked")
	if api.called("UnlockWithDevice") != 1 {
		t.Error("a manual lock was undone by the device key")
	}
}

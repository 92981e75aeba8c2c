package ui

import (
	"errors"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/core"
)

func TestFirstRunRegisterShowsRecoveryKeyOnce(t *testing.T) {
	api := newFakeAPI()
	h := newHarness(t, api, Options{ServerURL: "notes.test:8443", Pin: api.probe.Fingerprint})

	// The pre-filled server was probed; its fingerprint is shown and, as it
	// equals --pin, already trusted.
	if api.called("ProbeServer") != 1 {
		t.Fatalf("ProbeServer called %d times, want 1 for the pre-filled server", api.called("ProbeServer"))
	}
	h.mustShow("Compare this fingerprint")
	h.mustShow("sha256:")
	if !h.check("The fingerprints match: trust this server").Checked {
		t.Error("fingerprint equal to --pin is not pre-trusted")
	}

	h.typeInto(h.entry("User name"), "alice")
	h.typeInto(h.entry("Choose a password"), "abc")
	h.mustShow("Too short")
	if !h.button("Create account").Disabled() {
		t.Fatal("Create account enabled with a weak password")
	}
	pw := h.entry("Choose a password")
	pw.SetText("")
	h.typeInto(pw, "correct horse battery staple")
	h.mustShow("Strength: Strong")
	h.typeInto(h.entry("Repeat the password"), "correct horse battery")
	h.mustShow("don’t match")
	h.typeInto(h.entry("Repeat the password"), " staple")
	h.tap("Create account")

	if api.called("Register") != 1 {
		t.Fatalf("Register called %d times", api.called("Register"))
	}
	if got := api.Account(); got.Username != "alice" || got.Fingerprint != api.probe.Fingerprint || got.ServerURL != "https://notes.test:8443" {
		t.Errorf("registered with %+v, want alice on https://notes.test:8443 pinned to the probed fingerprint", got)
	}
	h.mustShow("Your recovery key")
	h.mustShow("ABCDE-FGHIJ-KLMNO-PQRST-")
	h.mustShow("IJKLM-NOPQR-STUVW")
	cont := h.button("Continue")
	if !cont.Disabled() {
		t.Fatal("Continue enabled before the user confirmed storing the key")
	}
	h.tap("Copy")
	if got := h.app.Clipboard().Content(); got != api.recovery {
		t.Errorf("clipboard = %q, want the recovery key", got)
	}
	test.Tap(h.check("I have stored my recovery key somewhere safe"))
	h.tap("Continue")
	h.mustShow("New note")
	h.mustNotShow("ABCDE-FGHIJ")
}

func TestFirstRunSelfSignedNeedsExplicitTrust(t *testing.T) {
	api := newFakeAPI()
	h := newHarness(t, api, Options{})
	h.typeInto(h.entry("https://notes.example.org"), "notes.test:8443")
	h.tap("Check")
	h.mustShow("ab12ab12ab12ab12  ab12ab12ab12ab12")
	trust := h.check("The fingerprints match: trust this server")
	if trust.Checked {
		t.Fatal("an unknown self-signed certificate is trusted without asking")
	}
	h.typeInto(h.entry("User name"), "alice")
	h.typeInto(h.entry("Choose a password"), "correct horse battery staple")
	h.typeInto(h.entry("Repeat the password"), "correct horse battery staple")
	if !h.button("Create account").Disabled() {
		t.Fatal("Create account enabled before the fingerprint was confirmed")
	}
	h.mustShow("Compare the fingerprint and confirm")
	test.Tap(trust)
	h.tap("Create account")
	if got := api.Account().Fingerprint; got != api.probe.Fingerprint {
		t.Errorf("pinned %q, want %q", got, api.probe.Fingerprint)
	}
}

func TestFirstRunPublicServerPinsNothing(t *testing.T) {
	api := newFakeAPI()
	api.probe.PublicTrusted = true
	h := newHarness(t, api, Options{ServerURL: "https://notes.example.org"})
	h.mustShow("trusted by this system")
	h.mustNotShow("Compare this fingerprint")
	setMode(h, "Sign in")
	h.typeInto(h.entry("User name"), "bob")
	h.typeInto(h.entry("Password"), "whatever")
	h.tap("Sign in")
	if got := api.Account(); got.Fingerprint != "" || got.Username != "bob" {
		t.Errorf("signed in with %+v, want no pin for a publicly trusted server", got)
	}
	h.mustShow("New note")
}

func TestFirstRunErrorKeepsWhatWasTyped(t *testing.T) {
	api := newFakeAPI()
	api.setFail("Register", core.ErrOffline)
	h := newHarness(t, api, Options{ServerURL: "notes.test", Pin: api.probe.Fingerprint})
	h.typeInto(h.entry("User name"), "alice")
	h.typeInto(h.entry("Choose a password"), "correct horse battery staple")
	h.typeInto(h.entry("Repeat the password"), "correct horse battery staple")
	h.tap("Create account")
	h.mustShow(core.Words(core.ErrOffline))
	for ph, want := range map[string]string{
		"User name":           "alice",
		"Choose a password":   "correct horse battery staple",
		"Repeat the password": "correct horse battery staple",
	} {
		if got := h.entry(ph).Text; got != want {
			t.Errorf("after the error, %q holds %q, want %q", ph, got, want)
		}
	}
	api.setFail("Register", nil)
	h.tap("Create account")
	h.mustShow("Your recovery key")
}

func TestFirstRunProbeFailureIsInWords(t *testing.T) {
	api := newFakeAPI()
	api.setFail("ProbeServer", errors.New("dial tcp 10.0.0.1:443: connect: connection refused"))
	h := newHarness(t, api, Options{ServerURL: "notes.test"})
	h.mustShow("Can’t reach the server.")
	h.mustNotShow("dial tcp")
}

func TestFirstRunRecover(t *testing.T) {
	api := newFakeAPI()
	api.probe.PublicTrusted = true
	h := newHarness(t, api, Options{ServerURL: "https://notes.example.org"})
	setMode(h, "Recover")
	h.typeInto(h.entry("User name"), "alice")
	h.typeInto(h.entry("XXXXX-XXXXX-XXXXX-…"), "WRONG-KEY")
	h.typeInto(h.entry("Choose a new password"), "a brand new passphrase")
	h.typeInto(h.entry("Repeat the password"), "a brand new passphrase")
	h.tap("Set new password")
	if !h.shows("An unexpected error") && !h.shows("recovery key") {
		t.Errorf("a wrong recovery key gave no message; screen shows %q", h.texts())
	}
	rk := h.entry("XXXXX-XXXXX-XXXXX-…")
	rk.SetText(api.recovery)
	h.tap("Set new password")
	if api.password != "a brand new passphrase" {
		t.Errorf("password after recovery = %q", api.password)
	}
	h.mustShow("New note")
}

// setMode picks a first-run mode in the radio group.
func setMode(h *harness, mode string) {
	h.t.Helper()
	var rg *widget.RadioGroup
	h.visit(func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RadioGroup); ok {
			rg = r
		}
	})
	if rg == nil {
		h.t.Fatal("no mode selector")
	}
	rg.SetSelected(mode)
	h.wait()
}

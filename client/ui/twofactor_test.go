package ui

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/protocol"
)

// fakeTwoFactor adds two-factor sign-in to the fake core: the code
// "123456" is right; the account needs it to sign in once enabled.
type fakeTwoFactor struct {
	*fakeAPI
	mu      sync.Mutex
	enabled bool
	pending bool
	logins  []protocol.SecondFactor
}

const (
	fakeSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	fakeURI    = "otpauth://totp/Cipherleaf:alice?algorithm=SHA1&digits=6&issuer=Cipherleaf&period=30&secret=" + fakeSecret
)

var fakeCodes = []string{"abcde-fghij", "klmno-pqrst", "uvwxy-z2345", "67abc-defgh", "ijklm-nopqr",
	"stuvw-xyz23", "4567a-bcdef", "ghijk-lmnop", "qrstu-vwxyz", "23456-7abcd"}

func (f *fakeTwoFactor) TwoFactorStatus(context.Context) (*protocol.TwoFactorStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return &protocol.TwoFactorStatus{Enabled: f.enabled, Pending: f.pending, RecoveryCodesLeft: 10}, nil
}

func (f *fakeTwoFactor) EnableTwoFactor(_ context.Context, pw []byte) (*core.TwoFactorEnrolment, error) {
	if string(pw) != "pw" {
		return nil, core.ErrWrongPassword
	}
	f.mu.Lock()
	f.pending = true
	f.mu.Unlock()
	return &core.TwoFactorEnrolment{Secret: fakeSecret, URI: fakeURI}, nil
}

func (f *fakeTwoFactor) ConfirmTwoFactor(_ context.Context, code string) ([]string, error) {
	if code != "123456" {
		return nil, core.ErrTwoFactorInvalid
	}
	f.mu.Lock()
	f.enabled, f.pending = true, false
	f.mu.Unlock()
	return fakeCodes, nil
}

func (f *fakeTwoFactor) DisableTwoFactor(_ context.Context, pw []byte, sf protocol.SecondFactor) error {
	if string(pw) != "pw" {
		return core.ErrWrongPassword
	}
	if sf.TOTPCode != "123456" && sf.RecoveryCode != fakeCodes[0] {
		return core.ErrTwoFactorInvalid
	}
	f.mu.Lock()
	f.enabled = false
	f.mu.Unlock()
	return nil
}

func (f *fakeTwoFactor) Login(ctx context.Context, in core.LoginInput) error {
	f.mu.Lock()
	f.logins = append(f.logins, in.SecondFactor)
	f.mu.Unlock()
	switch {
	case in.SecondFactor.Empty():
		return core.ErrTwoFactorRequired
	case in.SecondFactor.TOTPCode != "123456" && in.SecondFactor.RecoveryCode != fakeCodes[0]:
		return core.ErrTwoFactorInvalid
	}
	return f.fakeAPI.Login(ctx, in)
}

func TestTwoFactorEnrolment(t *testing.T) {
	api := &fakeTwoFactor{fakeAPI: newFakeAPI().withAccount("pw")}
	api.locked = false
	sampleNotes(api.fakeAPI)
	h := newHarness(t, api, Options{Size: fyne.NewSize(1000, 760)})
	h.tap("Settings")
	h.tap("Two-factor sign-in…")
	h.mustShow("Enter your password to start.")
	h.typeInto(h.entry("Password"), "pw")
	h.tap("Continue")

	h.mustShow("1. Scan this code with your authenticator app")
	h.mustShow(groupSecret(fakeSecret))
	test.AssertRendersToMarkup(t, "twofactor_enrol.xml", h.canvas())
	h.tap("Copy secret")
	if got := h.app.Clipboard().Content(); got != fakeSecret {
		t.Errorf("clipboard = %q, want the secret", got)
	}
	h.typeInto(h.entry("6-digit code from the app"), "654321")
	h.tap("Turn on")
	h.mustShow(core.Words(core.ErrTwoFactorInvalid))
	code := h.entry("6-digit code from the app")
	code.SetText("")
	h.typeInto(code, "123456")
	h.tap("Turn on")

	for _, c := range fakeCodes {
		h.mustShow(c)
	}
	test.AssertRendersToMarkup(t, "twofactor_codes.xml", h.canvas())
	h.tap("Copy")
	if got := h.app.Clipboard().Content(); got != strings.Join(fakeCodes, "\n") {
		t.Errorf("clipboard = %q, want the ten codes", got)
	}
	h.tap("I have stored them")

	// Turning it off asks for the password and a code.
	h.tap("Two-factor sign-in…")
	h.mustShow("Two-factor sign-in is on (10 recovery codes left)")
	h.typeInto(h.entry("Password"), "pw")
	h.check("Use a recovery code instead").SetChecked(true)
	h.typeInto(h.entry("Recovery code (xxxxx-xxxxx)"), fakeCodes[0])
	h.tap("Turn off")
	h.mustShow("Two-factor sign-in is off")
	if api.enabled {
		t.Error("2FA still on after turning it off")
	}
}

func TestSignInAsksForTheCode(t *testing.T) {
	api := &fakeTwoFactor{fakeAPI: newFakeAPI()}
	h := newHarness(t, api, Options{ServerURL: "notes.test:8443", Pin: api.probe.Fingerprint, Size: fyne.NewSize(1000, 680)})
	setMode(h, "Sign in")
	h.typeInto(h.entry("User name"), "alice")
	h.typeInto(h.entry("Password"), "pw")
	h.tap("Sign in")
	h.mustShow("This account uses two-factor sign-in.")
	test.AssertRendersToMarkup(t, "twofactor_prompt.xml", h.canvas())
	h.typeInto(h.entry("6-digit code from your authenticator app"), "123 456")
	h.tap("Sign in")
	h.mustShow("Select a note, or start a new one.")
	if n := len(api.logins); n != 2 || api.logins[1].TOTPCode != "123456" {
		t.Errorf("logins = %+v, want one without and one with the code 123456", api.logins)
	}
}

func TestRestrictFile(t *testing.T) {
	w, p := worldReadableWriter(t)
	if err := restrictFile(w); err != nil {
		t.Fatalf("restrictFile = %v", err)
	}
	w.Write([]byte("secret"))
	w.Close()
	if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v, %v; want 0600", st.Mode().Perm(), err)
	}
}

func (f *fakeTwoFactor) DeleteAccount(ctx context.Context, pw []byte) error {
	return f.DeleteAccountCode(ctx, pw, protocol.SecondFactor{})
}

func (f *fakeTwoFactor) DeleteAccountCode(ctx context.Context, pw []byte, sf protocol.SecondFactor) error {
	f.mu.Lock()
	on := f.enabled
	f.mu.Unlock()
	switch {
	case on && sf.Empty():
		return core.ErrTwoFactorRequired
	case on && sf.TOTPCode != "123456":
		return core.ErrTwoFactorInvalid
	}
	return f.fakeAPI.DeleteAccount(ctx, pw)
}

func (f *fakeTwoFactor) ChangePasswordCode(ctx context.Context, old, pw []byte, sf protocol.SecondFactor) error {
	return f.fakeAPI.ChangePassword(ctx, old, pw)
}

func TestDeleteAccountAsksForTheCode(t *testing.T) {
	api := &fakeTwoFactor{fakeAPI: newFakeAPI().withAccount("pw"), enabled: true}
	api.locked = false
	h := newHarness(t, api, Options{Size: fyne.NewSize(1000, 760)})
	h.tap("Settings")
	h.tap("Delete account…")
	h.typeInto(h.entry("Your user name"), "alice")
	h.typeInto(h.entry("Password"), "pw")
	h.tap("Delete account forever")
	h.mustShow("This account uses two-factor sign-in.")
	h.typeInto(h.entry("6-digit code from your authenticator app"), "000000")
	h.tap("Delete account forever")
	h.mustShow(core.Words(core.ErrTwoFactorInvalid))
	if api.called("DeleteAccount") != 0 {
		t.Fatal("account deleted without a right code")
	}
	e := h.entry("6-digit code from your authenticator app")
	e.SetText("")
	h.typeInto(e, "123456")
	h.tap("Delete account forever")
	if api.called("DeleteAccount") != 1 {
		t.Fatal("account not deleted with the right code")
	}
	h.mustShow("Welcome to Cipherleaf")
}

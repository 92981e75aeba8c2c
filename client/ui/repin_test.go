package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/testserver"
	"cipherleaf.dev/shared/cryptobox"
)

var newCertPin = "sha256:" + strings.Repeat("9f3c", 15) + "77e0d1c4"[:4]

// certChanged puts the unlocked fake into "sync stopped: certificate
// changed" with the server now presenting newCertPin.
func certChanged(t *testing.T) (*harness, *fakeAPI) {
	t.Helper()
	h, api, _ := unlocked(t, Options{Size: fyne.NewSize(1000, 680)})
	api.mu.Lock()
	api.probe.Fingerprint = newCertPin
	api.mu.Unlock()
	api.setFail("Sync", core.ErrCertificateChanged)
	h.u.main.syncNow()
	h.wait()
	return h, api
}

func TestRepinShowsBothFingerprintsAndAsksForTheEnd(t *testing.T) {
	h, api := certChanged(t)
	oldPin := api.Account().Fingerprint
	h.mustShow("Sync stopped: the server's certificate has changed. Nothing was sent.")
	if sz := h.button("Review certificate…").Size(); sz.Width < 50 {
		t.Fatalf("the review button is %v: shown but not laid out", sz)
	}
	h.tap("Review certificate…")

	h.mustShow("Trusted until now")
	h.mustShow("Presented now")
	for _, fp := range []string{oldPin, newCertPin} {
		for _, line := range strings.Split(groupFingerprint(fp), "\n")[1:] {
			h.mustShow(line)
		}
	}
	h.mustShow("replace the certificate of notes.test:8443?")
	h.mustShow("cipherleafd fingerprint")
	trust := h.button("Trust the new certificate")
	if !trust.Disabled() {
		t.Fatal("Trust enabled before anything was typed")
	}
	typed := h.entry("Last 8 characters, as read to you")
	if h.canvas().Focused() != typed {
		t.Errorf("focus on %v, want the confirmation field", h.canvas().Focused())
	}
	tail := newCertPin[len(newCertPin)-8:]
	oldTail := oldPin[len(oldPin)-8:]
	h.typeInto(typed, strings.ToUpper(oldTail[:4])+" "+oldTail[4:]) // what an operator of another server would read
	h.mustShow("That does not match the certificate the server presents now. Don't trust it.")
	if !trust.Disabled() {
		t.Fatal("Trust enabled with the wrong characters")
	}
	h.key(fyne.KeyReturn)
	if api.called("Repin "+newCertPin) != 0 {
		t.Fatal("Enter re-pinned with the wrong characters")
	}

	typed.SetText("")
	h.typeInto(typed, strings.ToUpper(tail[:4])+" "+tail[4:]) // case and spaces do not matter
	if trust.Disabled() {
		t.Fatalf("Trust still disabled after typing %q; screen: %q", typed.Text, h.texts())
	}
	api.setFail("Sync", nil)
	syncs := api.called("Sync")
	h.key(fyne.KeyReturn) // Enter confirms
	if api.called("Repin "+newCertPin) != 1 {
		t.Fatalf("calls %q, want one Repin %s", api.calls, newCertPin)
	}
	if api.called("Sync") != syncs+1 {
		t.Errorf("no sync after re-pinning")
	}
	h.mustNotShow("Presented now")
	h.mustShow("New certificate trusted")
	if h.shows("Review certificate…") {
		t.Error("the review button stays after a successful sync")
	}
}

func TestRepinEscapeCancels(t *testing.T) {
	h, api := certChanged(t)
	h.tap("Review certificate…")
	h.mustShow("Presented now")
	h.key(fyne.KeyEscape)
	h.mustNotShow("Presented now")
	for _, c := range api.calls {
		if strings.HasPrefix(c, "Repin") {
			t.Fatalf("Esc re-pinned: %q", api.calls)
		}
	}
	h.mustShow("Review certificate…") // still offered
}

// An action in Settings that meets the changed certificate offers the
// review instead of a dead end.
func TestShowErrorOffersTheCertificateReview(t *testing.T) {
	h, _ := certChanged(t)
	h.u.showError("Couldn't sign that device out", core.ErrCertificateChanged)
	h.mustShow("Couldn't sign that device out. The server's certificate has")
	h.tap("Review certificate…")
	h.mustShow("Presented now")
}

func TestRepinDialogRendersToMaster(t *testing.T) {
	h, _ := certChanged(t)
	h.tap("Review certificate…")
	test.AssertRendersToMarkup(t, "repin.xml", h.canvas())
}

func TestTailMatches(t *testing.T) {
	fp := "sha256:" + strings.Repeat("0", 56) + "a1b2c3d4"
	tests := []struct {
		typed string
		want  bool
	}{
		{"a1b2c3d4", true},
		{"A1B2 C3D4", true},
		{"a1:b2:c3:d4", true},
		{"a1b2c3d", false},
		{"1b2c3d4a", false},
		{"0a1b2c3d4", false},
		{"", false},
	}
	for _, tc := range tests {
		t.Run(tc.typed, func(t *testing.T) {
			if got := tailMatches(tc.typed, fp); got != tc.want {
				t.Errorf("tailMatches(%q) = %v, want %v", tc.typed, got, tc.want)
			}
		})
	}
}

// TestE2ERepinRealServer replaces the certificate of a real cipherleafd
// (same data, new key pair) under a signed-in app: sync stops and says
// why, the review shows the pinned and the new fingerprint as cipherleafd
// printed them, and typing the end of the new one re-pins and syncs the
// edit made meanwhile.
func TestE2ERepinRealServer(t *testing.T) {
	if serverBin == "" {
		t.Skip("end-to-end test skipped under -short")
	}
	srv := testserver.Start(t, serverBin, "--auth-ip-burst", "1000", "--auth-user-burst", "1000", "--lockout-after", "0")
	// Register on the profile with one core, then open it again for the
	// app (the first core's events never reach the window), and unlock.
	ctx := context.Background()
	dir := t.TempDir()
	openCore := func() *core.Core {
		c, err := core.Open(core.Config{ProfileDir: dir, Policy: cryptobox.DefaultPolicy, NewParams: floorParams,
			DeviceName: "device A", APITimeout: 5 * time.Second, APIRetries: -1})
		if err != nil {
			t.Fatalf("core.Open: %v", err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	const password = "correct horse battery staple"
	first := openCore()
	if _, err := first.Register(ctx, core.RegisterInput{ServerURL: srv.URL, Pin: srv.Fingerprint, Username: "pinned", Password: []byte(password)}); err != nil {
		t.Fatalf("Register: %v", err)
	}
	first.Close()
	c := openCore()
	oldPin := srv.Fingerprint
	h := newHarness(t, c, Options{SyncEvery: time.Hour})
	h.typeInto(h.entry("Password"), password)
	h.tap("Unlock")
	m := h.u.main
	if m == nil {
		t.Fatalf("not unlocked: %q", h.texts())
	}
	h.shortcut(scNew)
	h.typeInto(m.editor.title, "Written during the change")
	h.advance(defaultAutosaveDelay)
	id := m.editor.id

	srv.NewCertificate()
	m.syncNow()
	h.wait()
	h.mustShow("Sync stopped: the server's certificate has changed.")
	h.tap("Review certificate…")
	for _, fp := range []string{oldPin, srv.Fingerprint} {
		for _, line := range strings.Split(groupFingerprint(fp), "\n")[1:] {
			h.mustShow(line)
		}
	}
	h.typeInto(h.entry("Last 8 characters, as read to you"), srv.Fingerprint[len(srv.Fingerprint)-8:])
	h.tap("Trust the new certificate")
	h.mustNotShow("Presented now")
	if got := c.Account().Fingerprint; got != srv.Fingerprint {
		t.Fatalf("pin = %s, want %s", got, srv.Fingerprint)
	}
	if st := c.Status(); st.State != core.StateSynced || st.Pending != 0 {
		t.Fatalf("after re-pinning, status %+v, want synced with nothing pending", st)
	}
	other := realCore(t, "device B")
	if err := other.Login(ctx, core.LoginInput{ServerURL: srv.URL, Pin: srv.Fingerprint, Username: "pinned", Password: []byte(password)}); err != nil {
		t.Fatalf("Login on B: %v", err)
	}
	if n, err := other.Get(id); err != nil || n.Title != "Written during the change" {
		t.Fatalf("device B reads %v, %v", n, err)
	}
}

// A long status is never cut: it wraps onto a second line, the window is
// laid out again for it, and "Try again" keeps its room.
func TestStatusLineWrapsLongMessages(t *testing.T) {
	h, api, _ := unlocked(t, Options{Size: fyne.NewSize(800, 600)})
	api.setFail("Sync", core.ErrBadResponse)
	oneLine := h.u.main.status.content.MinSize().Height
	h.u.main.syncNow()
	h.wait()
	st := h.u.main.status
	want := "Sync stopped: " + words(core.ErrBadResponse)
	if st.text.Text != want {
		t.Fatalf("status text %q, want %q", st.text.Text, want)
	}
	var shown []string
	for _, s := range h.texts() {
		if strings.Contains(want, s) && len(s) > 10 {
			shown = append(shown, s)
		}
	}
	if got := strings.Join(shown, " "); !strings.Contains(got, "Nothing was changed on this device.") {
		t.Errorf("the status line shows %q, want all of %q", got, want)
	}
	if h := st.content.Size().Height; h <= oneLine {
		t.Errorf("status line is %v high, not taller than one line (%v): the text was not given a second line", h, oneLine)
	}
	if sz := h.button("Try again").Size(); sz.Width < 50 {
		t.Errorf("Try again is %v: shown but not laid out", sz)
	}
}

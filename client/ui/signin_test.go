package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cipherleaf.dev/client/core"
)

// TestSignInAgainInPlace: a sync meets a session the server ended; the app
// asks for the password over the notes screen, keeps the notes and the
// edit being typed, signs in to the same account and syncs again.
func TestSignInAgainInPlace(t *testing.T) {
	h, api, ids := unlocked(t, Options{AutosaveDelay: time.Hour})
	api.acct = core.AccountInfo{ServerURL: "https://notes.example", Fingerprint: "sha256:ab", Username: "mona", UserID: "u1"}
	h.typeInto(h.u.main.editor.body, "kept ")
	api.setFail("Sync", core.ErrSessionExpired)
	h.u.main.syncNow()
	h.wait()
	h.mustShow("Sign in again")
	if got := api.called("Login"); got != 0 {
		t.Fatalf("Login called %d times before the password was typed", got)
	}
	// A second expired sync while the dialog is open asks nothing more.
	h.emit(core.Event{Kind: core.EventStatusChanged, Status: core.SyncStatus{State: core.StateError, Err: core.ErrSessionExpired}})

	api.setFail("Sync", nil)
	pw, ok := h.canvas().Focused().(fyne.Focusable)
	if !ok || pw == nil {
		t.Fatal("the password field has no focus")
	}
	test.Type(pw, "pw")
	h.wait()
	h.tap("Sign in")
	if got := api.called("Login"); got != 1 {
		t.Fatalf("Login called %d times, want 1", got)
	}
	api.mu.Lock()
	acct, locked := api.acct, api.locked
	api.mu.Unlock()
	if acct.Username != "mona" || acct.ServerURL != "https://notes.example" || acct.Fingerprint != "sha256:ab" || locked {
		t.Errorf("signed in as %+v (locked %v), want the same account, unlocked", acct, locked)
	}
	if h.u.main == nil {
		t.Fatal("the notes screen was left")
	}
	h.u.main.syncNow()
	h.wait()
	api.mu.Lock()
	body := api.notes[ids[0]].Body
	api.mu.Unlock()
	if !strings.HasPrefix(body, "kept ") {
		t.Errorf("the edit typed before signing in again is %q, want it kept", body)
	}
	h.mustShow("Synced")
}

// TestSignInAgainWrongPasswordStays: a wrong password keeps the dialog
// open with the reason; Cancel closes it and leaves the notes screen.
func TestSignInAgainWrongPasswordStays(t *testing.T) {
	h, _, _ := unlocked(t, Options{})
	h.emit(core.Event{Kind: core.EventStatusChanged, Status: core.SyncStatus{State: core.StateError, Err: core.ErrSessionExpired}})
	h.mustShow("Sign in again")
	test.Type(h.canvas().Focused().(fyne.Focusable), "wrong")
	h.wait()
	h.tap("Sign in")
	h.mustShow(core.Words(core.ErrWrongPassword))
	h.tap("Cancel")
	if h.u.main == nil || h.u.signingIn {
		t.Errorf("after Cancel: main %v, signing in %v; want the notes screen, no dialog", h.u.main != nil, h.u.signingIn)
	}
}

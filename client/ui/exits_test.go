package ui

import (
	"strings"
	"testing"
	"time"
)

// TestEveryWayOutSavesTheEditor: text typed and not yet autosaved is in
// the vault after each way out of the notes screen, before the keys go.
func TestEveryWayOutSavesTheEditor(t *testing.T) {
	tests := []struct {
		name string
		out  func(h *harness)
	}{
		{"quit (SIGINT, SIGTERM)", func(h *harness) { h.u.Quit(); h.wait() }},
		{"window close", func(h *harness) { h.u.shutdown(); h.wait() }},
		{"lock", func(h *harness) { h.shortcut(scLock) }},
		{"auto-lock", func(h *harness) {
			h.app.Preferences().SetInt(prefAutoLock, 5)
			h.u.idle.Start(5 * time.Minute)
			h.advance(5*time.Minute + time.Second)
			if !h.fake.Locked() {
				h.t.Fatal("not auto-locked")
			}
		}},
		{"settings (logout, delete account)", func(h *harness) { h.u.main.showSettings(); h.wait() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A long autosave delay: only the way out can have saved it.
			h, api, ids := unlocked(t, Options{AutosaveDelay: time.Hour})
			h.typeInto(h.u.main.editor.body, "last words ")
			if strings.HasPrefix(api.notes[ids[0]].Body, "last words ") {
				t.Fatal("saved before the way out: the test proves nothing")
			}
			tt.out(h)
			api.mu.Lock()
			body := api.notes[ids[0]].Body
			api.mu.Unlock()
			if !strings.HasPrefix(body, "last words ") {
				t.Errorf("after %s the note is %q, want the typed text saved", tt.name, body)
			}
		})
	}
}

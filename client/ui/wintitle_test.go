package ui

import "testing"

// TestWindowTitleNamesTheScreen: the title says where the user is, from
// the lock screen to the open note, and follows the note's title as it is
// typed. Scripts and the app's signal test wait for screens by it.
func TestWindowTitleNamesTheScreen(t *testing.T) {
	api := newFakeAPI().withAccount("pw")
	sampleNotes(api)
	h := newHarness(t, api, Options{})
	title := func(step, want string) {
		t.Helper()
		if got := h.u.win.Title(); got != want {
			t.Errorf("%s: window title %q, want %q", step, got, want)
		}
	}
	title("locked", "Locked — Cipherleaf")

	h.typeInto(h.entry("Password"), "pw")
	h.tap("Unlock")
	title("unlocked, newest note open", "Groceries — Cipherleaf")

	m := h.u.main
	m.editor.title.SetText("   ")
	title("a blank title", "Untitled — Cipherleaf")
	m.editor.title.SetText("")
	h.typeInto(m.editor.title, "Shopping")
	title("typing in the title", "Shopping — Cipherleaf")

	h.post(func() { m.editor.showEmpty("") })
	h.wait()
	title("no note open", "Cipherleaf")

	h.shortcut(scLock)
	title("locked again", "Locked — Cipherleaf")
}

func TestWindowTitle(t *testing.T) {
	tests := []struct{ screen, want string }{
		{"", "Cipherleaf"},
		{"Locked", "Locked — Cipherleaf"},
		{"  two\nlines ", "two lines — Cipherleaf"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := windowTitle(tt.screen); got != tt.want {
				t.Errorf("windowTitle(%q) = %q, want %q", tt.screen, got, tt.want)
			}
		})
	}
}

package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cipherleaf.dev/shared/note"
)

// The main screens rendered to markup and compared with the masters under
// testdata/. A change in layout or wording shows up as a diff; after
// reviewing testdata/failed/*.xml, move it over the master.
func TestScreensRenderToMasters(t *testing.T) {
	size := fyne.NewSize(1000, 680)
	t.Run("firstrun", func(t *testing.T) {
		api := newFakeAPI()
		h := newHarness(t, api, Options{ServerURL: "notes.test:8443", Size: size})
		test.AssertRendersToMarkup(t, "firstrun.xml", h.canvas())
	})
	t.Run("recoverykey", func(t *testing.T) {
		api := newFakeAPI()
		h := newHarness(t, api, Options{Size: size})
		h.u.showRecoveryKey(api.recovery, true, func() {})
		test.AssertRendersToMarkup(t, "recoverykey.xml", h.canvas())
	})
	t.Run("unlock", func(t *testing.T) {
		h := newHarness(t, newFakeAPI().withAccount("pw"), Options{Size: size})
		test.AssertRendersToMarkup(t, "unlock.xml", h.canvas())
	})
	t.Run("main", func(t *testing.T) {
		h, _, _ := unlocked(t, Options{Size: size})
		test.AssertRendersToMarkup(t, "main.xml", h.canvas())
	})
	t.Run("settings", func(t *testing.T) {
		h, _, _ := unlocked(t, Options{Size: size, Screen: "settings"})
		test.AssertRendersToMarkup(t, "settings.xml", h.canvas())
	})
	t.Run("resolve", func(t *testing.T) {
		api := newFakeAPI().withAccount("pw")
		api.locked = false
		orig := api.add(note.Note{Title: "Plan", Body: "server text", Modified: testNow.Add(-time.Hour)})
		api.add(note.Note{Title: "Plan", Body: "my text", Tags: []string{"work"}, ConflictOf: orig, Modified: testNow.Add(-time.Minute)})
		h := newHarness(t, api, Options{Size: size, Screen: "resolve"})
		test.AssertRendersToMarkup(t, "resolve.xml", h.canvas())
	})
}

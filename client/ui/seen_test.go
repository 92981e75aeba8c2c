package ui

import (
	"context"
	"image"
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/core"
)

// Tests for the smaller items of issue 15's "Seen" list, one each.

func (h *harness) capture() image.Image {
	return h.canvas().(test.WindowlessCanvas).Capture()
}

// pixelRect is o's area in the captured image (the test canvas has scale 1).
func (h *harness) pixelRect(o fyne.CanvasObject) image.Rectangle {
	p := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	s := o.Size()
	return image.Rect(int(p.X), int(p.Y), int(p.X+s.Width), int(p.Y+s.Height))
}

// Seen 7: the title field showed a stray scroll bar. A long title scrolls
// sideways to follow the cursor, but the strip under its text is drawn
// exactly as for a short title: no bar.
func TestTitleDrawsNoScrollBar(t *testing.T) {
	strip := func(title string) []color.Color {
		h, _, _ := unlocked(t, Options{Size: fyne.NewSize(1000, 680)})
		h.typeInto(h.u.main.editor.title, title)
		img := h.capture()
		r := h.pixelRect(h.u.main.editor.title)
		var out []color.Color
		for y := r.Max.Y - 4; y < r.Max.Y+2; y++ { // where Fyne draws a horizontal bar, below the text and over the border
			for x := r.Min.X + 12; x < r.Max.X-12; x++ {
				out = append(out, img.At(x, y))
			}
		}
		return out
	}
	short, long := strip("Short"), strip(strings.Repeat("A very long title ", 10))
	diff := 0
	for i := range short {
		r1, g1, b1, _ := short[i].RGBA()
		r2, g2, b2, _ := long[i].RGBA()
		if r1 != r2 || g1 != g2 || b1 != b2 {
			if diff < 5 {
				t.Logf("pixel %d: %v vs %v", i, short[i], long[i])
			}
			diff++
		}
	}
	if diff > 0 {
		t.Errorf("%d pixels under a long title differ from a short one's: a scroll bar is drawn", diff)
	}
}

// Seen 9: in the light theme the search icon vanished until the next lock
// (the dark theme's white icon stayed).
func TestSearchIconFollowsTheTheme(t *testing.T) {
	h, _, _ := unlocked(t, Options{Size: fyne.NewSize(1000, 680), Theme: themeDark})
	h.tap("Settings")
	var themes *widget.RadioGroup
	h.visit(func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RadioGroup); ok && len(r.Options) == 3 && r.Options[1] == "Light" {
			themes = r
		}
	})
	themes.SetSelected("Light")
	h.wait()
	h.tap("Back to notes")
	img := h.capture()
	r := h.pixelRect(h.u.main.list.search.ActionItem)
	dark := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if c := color.GrayModel.Convert(img.At(x, y)).(color.Gray); c.Y < 128 {
				dark++
			}
		}
	}
	if dark < 10 {
		t.Errorf("the search icon has %d dark pixels on the light background: not drawn in the light theme", dark)
	}
}

// Seen 7: the "Not synced" badge stayed after the change reached the
// server by a background sync (a push changes no note, so no notes event).
func TestNotSyncedBadgeClearsAfterABackgroundSync(t *testing.T) {
	h, api, ids := unlocked(t, Options{})
	h.typeInto(h.u.main.editor.body, "more ")
	h.advance(defaultAutosaveDelay)
	if !h.shows("Not synced") || !h.u.main.list.model.items[h.u.main.list.model.Index(ids[0])].Pending {
		t.Fatalf("a saved, unsynced edit shows no badge: %q", h.texts())
	}
	if _, err := api.Sync(context.Background()); err != nil { // as the auto-sync loop does
		t.Fatal(err)
	}
	h.wait()
	h.mustNotShow("Not synced")
}

// Seen 9: changing the password took seconds behind a tiny spinner, and
// the buttons jumped when the hint line changed.
func TestFormButtonsStayPutAndSayWhatRuns(t *testing.T) {
	h, api := openSettings(t)
	api.password = "pw"
	h.tap("Change password…")
	ok := h.button("Change password")
	at := func() fyne.Position { return fyne.CurrentApp().Driver().AbsolutePositionForObject(ok) }
	start := at()
	h.typeInto(h.entry("Current password"), "pw") // hint: choose a stronger password
	h.typeInto(h.entry("New password"), "a much longer passphrase here")
	h.typeInto(h.entry("Repeat the new password"), "a much longer passphrase here") // hint gone
	if ok.Disabled() {
		t.Fatalf("form not ready: %q", h.texts())
	}
	if got := at(); got != start {
		t.Errorf("the confirm button moved from %v to %v while the hint changed", start, got)
	}
	test.Tap(ok) // the work starts; its result is not yet handed back
	h.mustShow("Changing the password: deriving the new key")
	if got := at(); got != start {
		t.Errorf("the confirm button moved from %v to %v while working", start, got)
	}
	h.wait()
	h.mustShow("Password changed")
}

// Seen 9: the user name shown as the placeholder of the delete-account
// confirmation ("bob") looked typed already.
func TestDeleteAccountConfirmationLooksEmpty(t *testing.T) {
	h, api := openSettings(t)
	h.tap("Delete account…")
	e := h.entry("Your user name")
	if e.Text != "" || strings.Contains(e.PlaceHolder, api.Account().Username) {
		t.Errorf("confirmation field text %q, placeholder %q: looks filled in", e.Text, e.PlaceHolder)
	}
}

// Seen 9: "Forgot your password?" reused the Welcome screen, offering to
// create an account.
func TestForgotPasswordIsItsOwnScreen(t *testing.T) {
	h := newHarness(t, newFakeAPI().withAccount("pw"), Options{})
	h.tap("Forgot your password? Use your recovery key")
	h.mustShow("Reset your password")
	h.mustNotShow("Welcome to Cipherleaf")
	h.mustNotShow("Create account")
	h.entry("XXXXX-XXXXX-XXXXX-…")
	if b := h.button("Set new password"); b == nil {
		t.Fatal("no way to set the new password")
	}
	h.tap("Back to unlock")
	h.mustShow("Cipherleaf is locked")
}

// Seen 8: a changed-certificate message was cut with "…"; every error
// sentence in the status line is now shown whole (see also
// TestStatusLineWrapsLongMessages).
func TestStatusLineNeverTruncates(t *testing.T) {
	h, _, _ := unlocked(t, Options{})
	if tr := h.u.main.status.text.Truncation; tr != fyne.TextTruncateOff {
		t.Errorf("status text truncation = %v, want off", tr)
	}
	h.u.main.status.set(core.SyncStatus{State: core.StateError, Err: core.ErrCertificateChanged})
	h.mustShow("Sync stopped: the server's certificate has changed. Nothing was sent.")
}

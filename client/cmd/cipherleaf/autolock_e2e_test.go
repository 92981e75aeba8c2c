package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"cipherleaf.dev/client/internal/testserver"
)

var autolock = flag.Bool("autolock", false, "run TestAppWheelKeepsUnlocked (about 3 minutes: auto-lock's shortest setting is 1 minute)")

// TestAppWheelKeepsUnlocked: reading a note by turning the mouse wheel
// over the editor's body, and nothing else, keeps the real app unlocked
// past its 1-minute auto-lock; once the wheel stops, it locks. Fyne gives
// that wheel to the editor's private scroller, so only the window-level
// hook (pointer.go) can count it. Opt-in (-autolock): it waits through
// real minutes.
func TestAppWheelKeepsUnlocked(t *testing.T) {
	if !*autolock {
		t.Skip("opt-in: go test -run TestAppWheelKeepsUnlocked ./cmd/cipherleaf -args -autolock")
	}
	bin := buildApp(t)
	display := startXvfb(t)
	srv := testserver.Start(t, serverBin, "--bcrypt-cost", "4")
	dir := newProfile(t, srv, "wheel")
	home := t.TempDir()
	prefs := filepath.Join(home, ".config", "fyne", "dev.cipherleaf.app")
	if err := os.MkdirAll(prefs, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(prefs, "preferences.json"), []byte(`{"autolock_minutes":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	a := startAppHome(t, bin, display, dir, home)
	a.waitTitle("Locked — Cipherleaf")
	a.unlock()

	// The pointer rests over the editor's body (the window is 1024×700 at
	// 0,0: sidebar, list, then the editor), then only the wheel turns.
	a.xdotool("mousemove", "800", "450")
	const locked = "Locked — Cipherleaf"
	start := time.Now()
	for time.Since(start) < 100*time.Second { // well past the 1-minute auto-lock
		a.xdotool("click", "5") // wheel down
		if got := a.waitTitleFor(10*time.Second, func(s string) bool { return s == locked }); got != "" {
			t.Fatalf("the app locked %v into reading with the wheel over the editor", time.Since(start).Round(time.Second))
		}
	}
	// Now nothing: auto-lock must still work.
	stopped := time.Now()
	if a.waitTitleFor(90*time.Second, func(s string) bool { return s == locked }) == "" {
		t.Fatalf("the app did not lock within 90 s of the last wheel turn (auto-lock: 1 minute)")
	}
	t.Logf("locked %v after the last wheel turn", time.Since(stopped).Round(time.Second))
}

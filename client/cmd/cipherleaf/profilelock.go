package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/internal/profilelock"
)

// errAlreadyOpen ends a second app on a profile another app has open; run
// has already told the person why (main prints nothing more).
var errAlreadyOpen = errors.New("profile already open in another window")

// alreadyOpen is what a second app on the same profile says.
const alreadyOpen = "Cipherleaf is already open with this profile."

// lockProfile takes the profile's app lock (SPEC §8, one app per profile)
// before anything reads the vault. When another app holds it, it says so
// on stderr and, when there is a screen (an app started by a double click
// has no terminal), in a small window; then it returns errAlreadyOpen. The
// OS releases the lock when this process ends, however it ends.
func lockProfile(dir string, stderr io.Writer, getenv func(string) string) (*profilelock.Lock, error) {
	l, err := profilelock.TryLock(filepath.Join(dir, profilelock.FileName))
	if errors.Is(err, profilelock.ErrLocked) {
		fmt.Fprintf(stderr, "%s (%s)\n", alreadyOpen, dir)
		if hasScreen(getenv) {
			showAlreadyOpen()
		}
		return nil, errAlreadyOpen
	}
	if err != nil {
		return nil, fmt.Errorf("lock profile: %w", err)
	}
	return l, nil
}

// hasScreen reports whether a window can be shown: always on Windows and
// macOS, with an X or Wayland display elsewhere.
func hasScreen(getenv func(string) string) bool {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return true
	}
	return getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
}

// alreadyOpenTitle is the title of the window that says alreadyOpen.
const alreadyOpenTitle = "Cipherleaf is already open"

// showAlreadyOpen shows alreadyOpen in a small window until it is closed,
// OK is pressed, or Return or Escape typed. Its app has an ID of its own:
// it must not read or write the open app's preferences.
func showAlreadyOpen() {
	a := app.NewWithID("dev.cipherleaf.app.already-open")
	w := a.NewWindow(alreadyOpenTitle)
	w.SetContent(container.NewPadded(container.NewVBox(
		widget.NewLabel(alreadyOpen+"\nSwitch to its window."),
		container.NewCenter(widget.NewButton("OK", a.Quit)),
	)))
	w.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter || k.Name == fyne.KeyEscape {
			a.Quit()
		}
	})
	w.SetFixedSize(true)
	w.CenterOnScreen()
	w.ShowAndRun()
}

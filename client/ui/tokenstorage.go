package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// tokenStorage is the optional part of Core that says where this
// profile's sign-in tokens live (SPEC §8). *core.Core has it; a Core that
// lacks it gets no row in Settings.
type tokenStorage interface {
	TokenStorage(ctx context.Context) (inKeyring bool, why error)
}

// addTokenStorageRow inserts into box, at index at, the Settings row that
// tells in words why the sign-in tokens are kept in the vault file instead
// of the OS keyring. Nothing is added while they are in the keyring. The
// answer reads the vault, so it comes from a background task.
func (v *settingsView) addTokenStorageRow(box *fyne.Container, at int) {
	ts, ok := v.u.api.(tokenStorage)
	if !ok {
		return
	}
	v.u.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		in, why := ts.TokenStorage(ctx)
		return func() {
			if in || why == nil {
				return
			}
			l := widget.NewLabel("In this profile's vault file, not the OS keyring. " + words(why))
			l.Wrapping = fyne.TextWrapWord
			row := settingRow("Sign-in tokens", l)
			at := min(at, len(box.Objects))
			box.Objects = append(box.Objects[:at], append([]fyne.CanvasObject{row}, box.Objects[at:]...)...)
			box.Refresh()
		}
	})
}

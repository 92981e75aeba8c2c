package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// tokenStorage is the optional part of Core that says where this
// profile's sign-in tokens live (SPEC §8). *core.Core has it; a Core that
// lacks it gets no row in Settings.
type tokenStorage interface {
	TokenStorage(ctx context.Context) (inKeyring bool, why error)
}

// tokenStorageRow is the Settings row that tells, in words, why the
// sign-in tokens are kept in the vault file instead of the OS keyring. It
// is empty while they are in the keyring, and filled in from a background
// task (the answer reads the vault).
func (v *settingsView) tokenStorageRow() fyne.CanvasObject {
	box := container.NewVBox()
	ts, ok := v.u.api.(tokenStorage)
	if !ok {
		return box
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
			box.Add(settingRow("Sign-in tokens", l))
		}
	})
	return box
}

// Package ui is the Cipherleaf desktop interface built with Fyne.
//
// It talks only to Core: no crypto, SQL or HTTP of its own. Widgets hold
// no business logic; the small models beside them (listModel, autosaver,
// idleLock, describeStatus, passwordStrength, …) are plain Go and unit
// tested without rendering. Work that may take time (key derivation, network
// calls) runs on a goroutine and reports back to widgets only through
// fyne.Do.
//
// The package never imports fyne.io/fyne/v2/app, so it tests headless with
// fyne.io/fyne/v2/test; only cmd/cipherleaf creates the real app.
package ui

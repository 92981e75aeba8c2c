package core

import (
	"errors"

	"cipherleaf.dev/client/manifest"
)

// What a device detects of a misbehaving server (SPEC §10.6). A sync that
// detects one stops with a *manifest.Detection wrapping one of these, leaves
// the vault untouched and never repairs by accepting the server's version;
// IsTamperDetection tells such an error apart, Words names what was detected.
var (
	ErrTamperedManifest = manifest.ErrTamperedManifest
	ErrManifestRollback = manifest.ErrManifestRollback
	ErrFork             = manifest.ErrFork
	ErrStateMismatch    = manifest.ErrStateMismatch
)

// IsTamperDetection reports whether err is a detection of a misbehaving
// server (a *manifest.Detection): the GUI shows it as a red banner.
func IsTamperDetection(err error) bool {
	var d *manifest.Detection
	return errors.As(err, &d)
}

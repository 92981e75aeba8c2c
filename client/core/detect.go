package core

import (
	"errors"

	"cipherleaf.dev/client/manifest"
)

// What a device detects of a misbehaving server (SPEC §10.6). A sync that
// detects one stops with a *manifest.Detection wrapping one of these, leaves
// the vault untouched and never repairs by accepting the server's version;
// IsTamperDetection tells such an error apart, Words names what was detected.
//
// These are the manifest package's errors under the names front ends use:
// one error each, described once by Words.
var (
	ErrTampered         = manifest.ErrTamperedNote // a note's blob does not open (also a damaged backup)
	ErrRollback         = manifest.ErrNoteRollback // a note older than one already seen
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

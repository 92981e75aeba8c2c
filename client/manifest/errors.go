package manifest

import "errors"

// Detection kinds (SPEC §10.6). Each is returned wrapped in a *Detection;
// test with errors.Is.
var (
	// ErrTamperedManifest: the blob does not open as this user's manifest of
	// the announced version, or its payload is malformed.
	ErrTamperedManifest = errors.New("tampered manifest")
	// ErrManifestRollback: a manifest older than one already seen.
	ErrManifestRollback = errors.New("manifest rolled back")
	// ErrFork: the server showed this device a history that diverges from one
	// it saw or wrote.
	ErrFork = errors.New("fork detected")
	// ErrStateMismatch: the pulled note set does not match the manifest's
	// count and digest.
	ErrStateMismatch = errors.New("notes dropped, rolled back or replayed")
	// ErrNoteRollback: a change older than a revision this device already saw.
	ErrNoteRollback = errors.New("note rolled back")
	// ErrTamperedNote: a note's blob from the server does not open as that
	// note of this user at that revision (SPEC §5): altered, truncated, or
	// moved from another note, user or revision.
	ErrTamperedNote = errors.New("tampered note")
)

// Detect returns a *Detection of kind (one of the sentinels above).
func Detect(kind error, detail string) error { return detect(kind, detail) }

// ErrDigestGeneration is not a detection: the manifest is sealed under
// another key generation than the one the State digests with. The caller
// rebuilds the State with that generation's digester and verifies again.
var ErrDigestGeneration = errors.New("manifest digest key generation differs from the state's")

// Detection is a failed §10.6 check: Kind is one of the Err* sentinels above
// and names what was detected; Detail says where, for logs.
type Detection struct {
	Kind   error
	Detail string
}

// Error returns "<kind>: <detail>".
func (d *Detection) Error() string {
	if d.Detail == "" {
		return d.Kind.Error()
	}
	return d.Kind.Error() + ": " + d.Detail
}

// Unwrap returns Kind, so errors.Is(err, ErrFork) works.
func (d *Detection) Unwrap() error { return d.Kind }

func detect(kind error, detail string) error { return &Detection{Kind: kind, Detail: detail} }

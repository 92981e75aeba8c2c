package syncer

import (
	"errors"

	"cipherleaf.dev/client/manifest"
)

// Every sign of a misbehaving server is returned as a *manifest.Detection
// (SPEC §10.6): sync stops and nothing of that pull is applied. Its Kind is
// one of the manifest sentinels; the two that are checked per note here are
// also exported under their historical names.
var (
	// ErrRollback is manifest.ErrNoteRollback: the server offered a note at
	// a revision older than one this device has already seen or counted.
	ErrRollback = manifest.ErrNoteRollback
	// ErrTampered is manifest.ErrTamperedNote: a blob from the server failed
	// to open: it was changed, truncated or moved to another note, user or
	// revision.
	ErrTampered = manifest.ErrTamperedNote
)

var (
	// ErrUnknownKey means a note is sealed under an account key generation
	// that neither this device nor the server's published successor holds.
	ErrUnknownKey = errors.New("a note is sealed under an account key this device does not have")
	// ErrLocked means the keys were dropped (the vault was locked).
	ErrLocked = errors.New("vault is locked")
	// ErrBadResponse means the server's answer broke the protocol.
	ErrBadResponse = errors.New("server answer breaks the protocol")
)

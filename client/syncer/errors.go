package syncer

import "errors"

var (
	// ErrRollback means the server offered a note at a revision older than
	// one this device has already seen.
	ErrRollback = errors.New("server offered an older revision of a note than this device has seen")
	// ErrTampered means a blob from the server failed to open: it was
	// changed, truncated or moved to another note, user or revision.
	ErrTampered = errors.New("a note from the server failed to decrypt: it was altered")
	// ErrUnknownKey means a note is sealed under an account key generation
	// that neither this device nor the server's published successor holds.
	ErrUnknownKey = errors.New("a note is sealed under an account key this device does not have")
	// ErrLocked means the keys were dropped (the vault was locked).
	ErrLocked = errors.New("vault is locked")
	// ErrBadResponse means the server's answer broke the protocol.
	ErrBadResponse = errors.New("server answer breaks the protocol")
)

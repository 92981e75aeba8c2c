package syncer

import "errors"

// Every sign of a misbehaving server is returned as a *manifest.Detection
// (SPEC §10.6) whose Kind is one of the manifest sentinels (the two checked
// per note here are manifest.ErrNoteRollback and manifest.ErrTamperedNote):
// sync stops and nothing of that pull is applied.
var (
	// ErrUnknownKey means a note is sealed under an account key generation
	// that neither this device nor the server's published successor holds.
	ErrUnknownKey = errors.New("a note is sealed under an account key this device does not have")
	// ErrLocked means the keys were dropped (the vault was locked).
	ErrLocked = errors.New("vault is locked")
	// ErrBadResponse means the server's answer broke the protocol.
	ErrBadResponse = errors.New("server answer breaks the protocol")
)

package core

import (
	"errors"

	"cipherleaf.dev/client/backup"

	"cipherleaf.dev/client/syncer"
)

// Errors a front end may test with errors.Is; show them with Words.
var (
	ErrWrongPassword      = errors.New("wrong password")
	ErrWrongRecoveryKey   = errors.New("wrong recovery key")
	ErrNoDeviceKey        = errors.New("this device is not remembered")
	ErrNoAccount          = errors.New("no account on this device")
	ErrAccountExists      = errors.New("this profile already has an account")
	ErrNotFound           = errors.New("no such note")
	ErrNotConflict        = errors.New("note is not a conflicted copy")
	ErrCertificateChanged = errors.New("the server's certificate changed")
	ErrUntrustedServer    = errors.New("the server's certificate is not trusted and no fingerprint is pinned")
	ErrOffline            = errors.New("server unreachable")
	ErrSessionExpired     = errors.New("session expired or revoked")
	ErrUnsupportedKDF     = errors.New("unsupported key derivation")
	ErrServerTooNew       = errors.New("this server needs a newer Cipherleaf")
	ErrPasswordNeeded     = errors.New("unlock with the password for this operation")
	ErrClosed             = errors.New("core is closed")
	ErrKeyChanged         = errors.New("other devices kept changing the account key at the same time")
	// ErrKDFChanged: the server offered key derivation parameters or a salt
	// other than the ones this device pinned for the account (SPEC §3.1 L5).
	ErrKDFChanged = errors.New("the server changed the account's key derivation")
	// ErrStaleKey: a wrapped key bundle older than the newest key this
	// device adopted (SPEC §3.1 L2): refused, never used.
	ErrStaleKey = errors.New("the server offered an outdated account key")

	// ErrBadBackup: not a Cipherleaf backup, or damaged.
	ErrBadBackup = backup.ErrBad
	// ErrNewerBackup: the backup was written by a newer Cipherleaf.
	ErrNewerBackup = backup.ErrNewer
	// ErrTamperedBackupAttachment: an attachment blob in a backup did not
	// open as its note says, or the file was cut short (SPEC §9.1).
	ErrTamperedBackupAttachment = backup.ErrTamperedAttachment

	// ErrLocked: the vault is locked (no keys in memory).
	ErrLocked = syncer.ErrLocked
	// ErrBadResponse: the server's answer broke the protocol (garbage).
	ErrBadResponse = syncer.ErrBadResponse
	// ErrUnknownKey: a note is sealed under a key this device lacks.
	ErrUnknownKey = syncer.ErrUnknownKey
)

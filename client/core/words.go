package core

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"cipherleaf.dev/client/keystore"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// Words turns any error from this package into one sentence for a person.
// It is the only place that does; internals never reach the screen.
func Words(err error) string {
	if err == nil {
		return ""
	}
	if IsTamperDetection(err) {
		return detectionWords(err)
	}
	if w, ok := attachmentWords(err); ok {
		return w
	}
	if w, ok := importWords(err); ok {
		return w
	}
	if w, ok := notebookWords(err); ok {
		return w
	}
	if w, ok := retryWords(err); ok {
		return w
	}
	for _, w := range sentinelWords {
		if errors.Is(err, w.err) {
			return w.words
		}
	}
	if w, ok := detectedWords(err); ok {
		return w
	}
	if vault.IsDiskFull(err) {
		return "The disk is full. Free some space; your notes are safe."
	}
	var ae *protocol.APIError
	if errors.As(err, &ae) {
		return apiWords(err, ae)
	}
	return "An unexpected error stopped this. Your notes are safe on this device; try again."
}

// detected describes each kind of misbehaviour a device detects (SPEC
// §10.6), once: Words says "Sync stopped: <it>" for a detection, and the
// same sentence for the error met outside a sync (a damaged backup).
var detected = [...]sentinel{
	{ErrStateMismatch, "the server dropped notes, rolled them back or replayed deleted ones."},
	{ErrRollback, "the server offered an older version of a note than this device has already seen (a rollback)."},
	{ErrManifestRollback, "the server showed an older state of your notes than this device has already seen (a rollback)."},
	{ErrFork, "the server is showing your devices different histories (a fork)."},
	{ErrTamperedManifest, "the server's record of your notes failed its integrity check (it was altered)."},
	{ErrTampered, "a note failed its integrity check (altered, or taken from another note or user)."},
}

// detectionWords names what a sync detected.
func detectionWords(err error) string {
	const untouched = " Your notes on this device are untouched."
	for _, d := range detected {
		if errors.Is(err, d.err) {
			return "Sync stopped: " + d.words + untouched
		}
	}
	return "Sync stopped: the server misbehaved." + untouched
}

// detectedWords is the sentence of a detection kind met outside a sync.
func detectedWords(err error) (string, bool) {
	for _, d := range detected {
		if errors.Is(err, d.err) {
			return strings.ToUpper(d.words[:1]) + d.words[1:] + " Nothing was changed on this device.", true
		}
	}
	return "", false
}

type sentinel struct {
	err   error
	words string
}

// sentinelWords is checked in order: the most specific first.
var sentinelWords = [...]sentinel{
	{ErrWrongPassword, "Wrong password."},
	{ErrTrashDays, "The trash keeps notes for 1 to 3650 days."},
	{ErrWrongRecoveryKey, "That recovery key does not belong to this account."},
	{ErrTwoFactorRequired, "This account uses two-factor sign-in: enter the 6-digit code from your authenticator app, or one of your recovery codes."},
	{ErrTwoFactorInvalid, "That two-factor code is wrong or was already used. Wait for the next code and try again, or use a recovery code."},
	{ErrTwoFactorEnrolment, "This server requires two-factor sign-in: turn it on in Settings → Two-factor first."},
	{cryptobox.ErrRecoveryKeyMistyped, "That recovery key is mistyped: check every group of five characters."},
	{ErrCertificateChanged, "The server's certificate has changed. This can mean someone is intercepting the connection. Nothing was sent. Compare the new fingerprint with your server's administrator before trusting it."},
	{ErrUntrustedServer, "The server's certificate is not trusted. Check its fingerprint and pin it."},
	{ErrSessionExpired, "This device was signed out (session revoked, expired, password changed or account deleted). Sign in again."},
	{ErrOffline, "The server can't be reached. Your changes are saved on this device and will sync when it's back."},
	{ErrBadResponse, "The server sent an answer Cipherleaf doesn't understand. Nothing was changed on this device."},
	{ErrUnknownKey, "A note is locked with a key this device doesn't have. Sign in again to fetch it."},
	{ErrNoDeviceKey, "This device is not remembered. Unlock with your password."},
	{keystore.ErrUnavailable, "No OS keyring is available (on Linux, no Secret Service such as GNOME Keyring is running). Without one this device can't be remembered, and your sign-in tokens stay in the vault file, readable only by you."},
	{ErrLocked, "Unlock Cipherleaf first."},
	{ErrNoAccount, "There is no account on this device yet. Register or sign in."},
	{ErrAccountExists, "This profile already holds another account. Use another profile or log out first."},
	{ErrNotFound, "That note doesn't exist (it may have been deleted)."},
	{ErrNotConflict, "That note is not a conflicted copy."},
	{ErrUnsupportedKDF, "This account uses a key derivation this version does not support. Update Cipherleaf."},
	{cryptobox.ErrWeakParams, "The server asked for unsafe password settings. Refused: the server may be malicious."},
	{cryptobox.ErrExcessiveParams, "The server asked for unreasonably heavy password settings. Refused."},
	{cryptobox.ErrEmptyPassword, "Enter a password."},
	{ErrServerTooNew, "This server needs a newer Cipherleaf."},
	{ErrNewerBackup, "This backup needs a newer Cipherleaf."},
	{ErrBadBackup, "That file is not a Cipherleaf backup, or it is damaged."},
	{ErrTamperedBackupAttachment, "An attachment in this backup failed its integrity check (altered, truncated or cut short). Nothing was imported."},
	{ErrPasswordNeeded, "Unlock with your password (not the remembered device) to do this."},
	{ErrKeyChanged, "Another device changed the account key at the same time. Try again in a moment."},
	{ErrKDFChanged, "The server changed how your password is checked, which your devices never do. Nothing was sent; do not sign in on this server until you know why."},
	{ErrStaleKey, "The server offered an outdated key for your account, so this device refused it. Sign in again; if this repeats, the server is misbehaving."},
	{ErrRecoveryWrapUnknown, "Do this on the device where the account was created or recovered."},
	{ErrUnsupported, "This server does not support that yet."},
	{protocol.ErrInvalidUsername, "Usernames are 3 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit."},
	{cryptobox.ErrTooLarge, "This note is too large (16 MiB at most)."},
	{note.ErrInvalid, "This note breaks a limit (title up to 1024 bytes, up to 64 tags of 128 bytes)."},
	{ErrClosed, "Cipherleaf is closing."},
	{fs.ErrPermission, "Cipherleaf is not allowed to use that file or folder. Choose one you can write to."},
	{fs.ErrNotExist, "That file or folder doesn't exist (any more). Choose it again."},
	{fs.ErrExist, "A file with that name already exists there. Choose another name or folder."},
	{context.DeadlineExceeded, "The server took too long to answer. Try again."},
	{context.Canceled, "Cancelled."},
}

// retryWords tells how long to wait when the server asked for it (a 429's
// Retry-After), also when the retries then ended on a network failure.
func retryWords(err error) (string, bool) {
	var ra interface{ RetryAfter() time.Duration }
	if !errors.As(err, &ra) || ra.RetryAfter() <= 0 {
		return "", false
	}
	secs := max(1, int(ra.RetryAfter().Round(time.Second)/time.Second))
	return fmt.Sprintf("The server is busy. Try again in %d s.", secs), true
}

func apiWords(err error, ae *protocol.APIError) string {
	switch ae.Code {
	case protocol.CodeInvalidUsername:
		return Words(protocol.ErrInvalidUsername)
	case protocol.CodeUsernameTaken:
		return "That username is taken. Choose another."
	case protocol.CodeUnauthorized:
		return Words(ErrSessionExpired)
	case protocol.CodeAccountDisabled:
		return "This account is disabled. Contact the server's administrator."
	case protocol.CodeRegistrationClosed:
		return "This server does not accept new accounts."
	case protocol.CodeNotFound:
		return "The server doesn't know that item (it may have been removed)."
	case protocol.CodeTooLarge:
		return "This is larger than the server accepts."
	case protocol.CodeQuotaExceeded:
		return "Your storage on the server is full. Delete some notes or ask the administrator for more space."
	case protocol.CodeRateLimited:
		return "The server is busy. Try again in a minute."
	case protocol.CodeInternal:
		return "The server had a problem. Try again later; your notes are safe on this device."
	}
	return "The server refused the request. Your notes are safe; please try again."
}

package apiclient

import (
	"errors"
	"fmt"

	"cipherleaf.dev/shared/protocol"
)

// ErrPinMismatch reports that the server's certificate is not the pinned one.
// It is never resolved by trusting the new certificate silently: the user
// must compare fingerprints and pin again.
var ErrPinMismatch = errors.New("server certificate does not match the pinned fingerprint")

// ErrUntrustedCert reports that no pin is set and the server's certificate
// does not verify against the system roots (for example a self-signed one).
var ErrUntrustedCert = errors.New("server certificate is not trusted by this system and no fingerprint is pinned")

// ErrUnreachable reports a network failure that outlived the retries. It is
// wrapped together with its cause.
var ErrUnreachable = errors.New("server unreachable")

// ErrSessionExpired reports a 401 that a token refresh could not cure: the
// session was revoked or expired and the device must sign in again.
var ErrSessionExpired = errors.New("session expired or revoked")

// ErrBadResponse reports an answer that is not what the API promises:
// malformed or truncated JSON, a missing body, or a body over the size limit.
var ErrBadResponse = errors.New("server sent an invalid response")

// ConflictError is a 409 on PutNote or DeleteNote: the note moved on from the
// base revision. Current is the server's latest change of the note.
type ConflictError struct {
	Current protocol.Change
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("note %s changed on the server (now rev %d)", e.Current.ID, e.Current.Rev)
}

// ManifestConflictError is a 409 on PutManifest. Current is the server's
// manifest.
type ManifestConflictError struct {
	Current protocol.Manifest
}

func (e *ManifestConflictError) Error() string {
	return fmt.Sprintf("manifest changed on the server (now version %d)", e.Current.Version)
}

package cryptobox

import "errors"

var (
	// ErrOpen is returned for every failure to authenticate a wrapped key or
	// a note envelope: wrong key, wrong purpose, a flipped bit, truncation, or
	// a blob presented under another user, note or revision. It is opaque on
	// purpose.
	ErrOpen = errors.New("decryption failed: wrong key or data was tampered with")

	// ErrUnsupportedVersion means a blob was written by a newer format.
	ErrUnsupportedVersion = errors.New("unsupported format version")

	// ErrUnknownGeneration means an envelope is sealed under an account key
	// generation this bundle does not hold (another device rotated the key).
	ErrUnknownGeneration = errors.New("note sealed under an unknown account key generation")

	// ErrRetiredGeneration means a blob is sealed under a generation older
	// than the bundle's current one that the bundle no longer holds: it was
	// retired and pruned (SPEC §3.1 L3), so the blob is refused, never
	// answered by fetching the keys.
	ErrRetiredGeneration = errors.New("sealed under a retired account key generation")

	// ErrMalformedNote means an authenticated note has invalid padding.
	ErrMalformedNote = errors.New("malformed note")

	// ErrTooLarge means a payload exceeds the largest padding bucket.
	ErrTooLarge = errors.New("note too large")

	// ErrWeakParams means KDF parameters are below the client's floor.
	ErrWeakParams = errors.New("key derivation parameters are below the safe minimum")

	// ErrExcessiveParams means KDF parameters are above the client's ceiling.
	ErrExcessiveParams = errors.New("key derivation parameters are unreasonably large")

	// ErrEmptyPassword means the password is empty.
	ErrEmptyPassword = errors.New("password is empty")

	// ErrRecoveryKeyMistyped means a recovery key has a wrong length,
	// character or checksum.
	ErrRecoveryKeyMistyped = errors.New("recovery key mistyped")

	// ErrBadBundle means a key bundle's bytes are not a valid bundle.
	ErrBadBundle = errors.New("invalid key bundle")

	// ErrBadID means a user or note id is not a UUID.
	ErrBadID = errors.New("invalid id")
)

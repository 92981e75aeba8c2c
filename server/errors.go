package server

import (
	"errors"

	"cipherleaf.dev/shared/protocol"
)

// Errors a Store returns; the HTTP layer maps each to one status.
var (
	ErrNotFound      = errors.New("not found")
	ErrUsernameTaken = errors.New("username taken")
	ErrConflict      = errors.New("base revision is not current")
	ErrQuotaExceeded = errors.New("storage quota exceeded")
	ErrRefreshReused = errors.New("refresh token reused")
	// ErrKeyConflict: a key update's base generation is not the account's
	// current one (SPEC §3).
	ErrKeyConflict = errors.New("base key generation is not current")
	// ErrCursorCompacted: a change-feed cursor below the account's
	// compacted sequence; the caller must pull from 0 (SPEC §7.3).
	ErrCursorCompacted = errors.New("change cursor is older than the compacted tombstones")
)

// ConflictError reports a stale note write and carries the current state.
type ConflictError struct {
	Current protocol.Change
}

func (e *ConflictError) Error() string { return ErrConflict.Error() }

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// ManifestConflictError reports a stale manifest write and carries the
// current manifest.
type ManifestConflictError struct {
	Current protocol.Manifest
}

func (e *ManifestConflictError) Error() string { return ErrConflict.Error() }

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *ManifestConflictError) Unwrap() error { return ErrConflict }

// ErrClosed is returned for writes queued after Close.
var ErrClosed = errors.New("store closed")

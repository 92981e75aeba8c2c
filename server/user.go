package server

import (
	"time"

	"cipherleaf.dev/shared/protocol"
)

// User is an account as the server knows it: hashes and opaque wrapped keys.
type User struct {
	ID                 int64  // internal key
	UID                string // public UUID (JWT subject, user_id on the wire)
	Username           string
	AuthHash           []byte // bcrypt of the auth key
	RecoveryHash       []byte // "sha256:" + SHA-256 of the recovery auth key, or bcrypt of it (older accounts); see httpapi/recoveryhash.go
	KDF                protocol.KDF
	WrappedKey         []byte
	RecoveryWrappedKey []byte
	Disabled           bool
	Created            time.Time
}

// UserSummary is one line of the admin's user list.
type UserSummary struct {
	Username  string
	UID       string
	Disabled  bool
	Notes     int64 // live notes
	Tomb      int64 // tombstones (deleted notes still in the change feed)
	UsedBytes int64
	Sessions  int64
	Created   time.Time
}

// KeyUpdate is a change of an account's credentials or wrapped keys. Nil
// fields are left as they are.
type KeyUpdate struct {
	AuthHash           []byte
	RecoveryHash       []byte
	KDF                *protocol.KDF
	WrappedKey         []byte
	RecoveryWrappedKey []byte
	// AddSuccessor is appended to the kept successors; the oldest beyond
	// protocol.MaxSuccessors are dropped.
	AddSuccessor []byte
	// Generation, when not 0, makes the update a compare-and-swap on the
	// account's current key generation (SPEC §3): it is applied only if
	// the current one is BaseGeneration (or not yet known), and Generation
	// becomes current; otherwise UpdateKeys returns ErrKeyConflict and
	// writes nothing.
	BaseGeneration, Generation uint32
}

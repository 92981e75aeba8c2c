package server

import (
	"context"
	"time"

	"cipherleaf.dev/shared/protocol"
)

// Store is everything the server keeps, behind one interface so one
// machine (store/sqlite) and many replicas (store/postgres) run the same
// handlers. Every method is safe for concurrent use. The compare-and-swap
// rules of SPEC §7 hold across every process sharing the store; SPEC §7.9
// says how each engine makes them atomic.
type Store interface {
	// Ping checks the database answers.
	Ping(ctx context.Context) error
	// Close releases the store; closing twice is safe.
	Close() error

	// CreateUser inserts u and, if sess is not nil, its first session in
	// one transaction; it fills u.ID, u.Created and sess.UserID.
	// ErrUsernameTaken if the name exists.
	CreateUser(ctx context.Context, u *User, sess *Session) error
	// UserByName returns the user called name, or ErrNotFound.
	UserByName(ctx context.Context, name string) (*User, error)
	// UserByID returns the user with internal id, or ErrNotFound.
	UserByID(ctx context.Context, id int64) (*User, error)
	// ListUsers returns every account, by name.
	ListUsers(ctx context.Context) ([]UserSummary, error)
	// SetDisabled disables or enables the account called name; disabling
	// ends every session of it.
	SetDisabled(ctx context.Context, name string, disabled bool) error
	// DeleteUser deletes the account with internal id and all its data.
	DeleteUser(ctx context.Context, id int64) error
	// DeleteUserByName deletes the account called name and all its data.
	DeleteUserByName(ctx context.Context, name string) error
	// UpdateKeys applies k to user id (see KeyUpdate). If endSessions,
	// every session of the user except keep is ended in the same
	// transaction, and newSess (if not nil) is created there; it returns
	// the ids of the ended sessions.
	UpdateKeys(ctx context.Context, id int64, k KeyUpdate, endSessions bool, keep string, newSess *Session) ([]string, error)
	// KeyGeneration returns user id's current key generation, 0 when not
	// yet known (SPEC §7.2).
	KeyGeneration(ctx context.Context, id int64) (uint32, error)
	// Successors returns user id's key rotation successors, oldest first.
	Successors(ctx context.Context, id int64) ([][]byte, error)
	// RehashKey replaces the auth hash (the recovery hash if recovery)
	// with newHash only if it is still old.
	RehashKey(ctx context.Context, id int64, recovery bool, old, newHash []byte) error

	// CreateSession adds sess (for sess.UserID).
	CreateSession(ctx context.Context, sess *Session) error
	// SessionAuth looks up session sid and its user; ErrNotFound if the
	// session was revoked or the user deleted.
	SessionAuth(ctx context.Context, sid string) (SessionAuth, error)
	// TouchSession records that session sid was used now.
	TouchSession(ctx context.Context, sid string) error
	// RotateRefresh spends the refresh token whose hash is oldHash and
	// makes newHash current. A spent token revokes its whole session and
	// returns ErrRefreshReused with the session's ID and UserID filled; an
	// unknown one returns ErrNotFound.
	RotateRefresh(ctx context.Context, oldHash, newHash []byte) (*Session, error)
	// ListSessions returns the sessions of userID, oldest first.
	ListSessions(ctx context.Context, userID int64) ([]Session, error)
	// DeleteSession revokes session sid of userID; ErrNotFound otherwise.
	DeleteSession(ctx context.Context, userID int64, sid string) error
	// DeleteOtherSessions revokes every session of userID but keep and
	// returns how many it revoked.
	DeleteOtherSessions(ctx context.Context, userID int64, keep string) (int64, error)

	// WriteNote applies one put or delete: a stale base revision returns
	// a *ConflictError, a write over quota (if quota > 0)
	// ErrQuotaExceeded, and neither changes anything.
	WriteNote(ctx context.Context, userID int64, quota int64, w *Write) (rev, seq uint64, err error)
	// Batch applies writes in one transaction (SPEC §7.3, §10.5); with man
	// set it is atomic with the manifest compare-and-swap.
	Batch(ctx context.Context, userID int64, quota int64, writes []Write, man *ManifestWrite) (*BatchOutcome, error)
	// StreamChanges calls fn with the latest change of each of userID's
	// notes with seq > since, in seq order, at most limit changes and
	// maxBytes blob bytes (at least one change if any); c is valid only
	// during the call. The last page carries the manifest, read in the
	// same snapshot.
	StreamChanges(ctx context.Context, userID int64, since uint64, limit int, maxBytes int, fn func(c *protocol.Change) error) (*PageEnd, error)
	// LatestSeq returns userID's sequence number (0 before any write);
	// ErrNotFound if there is no such user.
	LatestSeq(ctx context.Context, userID int64) (uint64, error)
	// Manifest returns userID's manifest (version 0 and no blob if none).
	Manifest(ctx context.Context, userID int64) (protocol.Manifest, error)
	// PutManifest replaces userID's manifest if base is its current
	// version and returns the new one; a *ManifestConflictError otherwise.
	PutManifest(ctx context.Context, userID int64, base uint64, blob []byte) (uint64, error)
	// Revisions lists a note's revisions newest first (SPEC §7.8).
	Revisions(ctx context.Context, userID int64, id string, before uint64, limit int) (revs []Revision, more bool, err error)
	// RevisionBlob returns one revision's blob, or ErrNotFound.
	RevisionBlob(ctx context.Context, userID int64, id string, rev uint64) ([]byte, error)
	// CompactTombstones removes tombstones (and their kept revisions)
	// deleted at least retention ago, for accounts whose manifest allows
	// it, and raises their compacted sequence (SPEC §7.6).
	CompactTombstones(ctx context.Context, retention time.Duration) (Compaction, error)
	// SweepHistory drops past revisions beyond the age limit and returns
	// how many it dropped.
	SweepHistory(ctx context.Context) (int64, error)

	// TwoFactor returns user id's two-factor state (zero if never enrolled).
	TwoFactor(ctx context.Context, id int64) (*TwoFactor, error)
	// SetTwoFactorPending stores a sealed secret awaiting confirmation.
	SetTwoFactorPending(ctx context.Context, id int64, sealed []byte) error
	// ConfirmTwoFactor makes pending the account's secret, records step
	// and replaces the recovery codes; ErrConflict if no longer pending.
	ConfirmTwoFactor(ctx context.Context, id int64, pending []byte, step int64, codeHashes [][]byte) error
	// UseTOTPStep records step as used if it is newer than the last one.
	UseTOTPStep(ctx context.Context, id int64, step int64) (bool, error)
	// UseRecoveryCode spends the recovery code with hash, if unused.
	UseRecoveryCode(ctx context.Context, id int64, hash []byte) (bool, error)
	// DisableTwoFactor removes the secret, pending secret and codes.
	DisableTwoFactor(ctx context.Context, id int64) error
	// ResetTwoFactorByName is DisableTwoFactor for the account called name.
	ResetTwoFactorByName(ctx context.Context, name string) error

	// DeclareAttachment records an upload of size bytes, counted against
	// quota (SPEC §7.7); created is false for a repeated declaration.
	DeclareAttachment(ctx context.Context, userID int64, uid, id string, size, quota int64) (a Attachment, created bool, err error)
	// GetAttachment returns attachment id of user uid, or ErrNotFound.
	GetAttachment(ctx context.Context, uid, id string) (Attachment, error)
	// CompleteAttachment marks an attachment's blob complete.
	CompleteAttachment(ctx context.Context, uid, id string) error
	// ReleaseAttachment marks an attachment released now.
	ReleaseAttachment(ctx context.Context, uid, id string) error
	// CollectableAttachments lists up to limit attachments to remove.
	CollectableAttachments(ctx context.Context, cutoff time.Time, limit int) ([]Attachment, error)
	// RemoveAttachment deletes an attachment's row and its bytes from the
	// owner's quota; called after its blob is deleted.
	RemoveAttachment(ctx context.Context, a Attachment) error
}

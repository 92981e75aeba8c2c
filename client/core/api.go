package core

import (
	"time"

	"cipherleaf.dev/shared/protocol"
)

// ServerInfo is what ProbeServer learns before the user trusts a server.
type ServerInfo struct {
	URL           string
	Fingerprint   string // "sha256:<hex>" of the leaf certificate
	PublicTrusted bool   // verifies against the system roots; no pin needed
}

// RegisterInput creates an account on a server.
type RegisterInput struct {
	ServerURL string
	Pin       string // "sha256:<hex>" or "" when PublicTrusted
	Username  string
	Password  []byte
	// SecondFactor is the code for an account with 2FA on (SPEC §7.5).
	SecondFactor protocol.SecondFactor
}

// LoginInput signs this device in to an existing account.
type LoginInput struct {
	ServerURL string
	Pin       string
	Username  string
	Password  []byte
	// SecondFactor is the code for an account with 2FA on (SPEC §7.5).
	SecondFactor protocol.SecondFactor
}

// RecoverInput resets a forgotten password with the recovery key.
type RecoverInput struct {
	ServerURL   string
	Pin         string
	Username    string
	RecoveryKey string
	NewPassword []byte
	// SecondFactor is the code for an account with 2FA on (SPEC §7.5).
	SecondFactor protocol.SecondFactor
}

// AccountInfo describes the profile's account.
type AccountInfo struct {
	ServerURL   string
	Fingerprint string
	Username    string
	UserID      string
}

// NoteInfo is one row of the note list.
type NoteInfo struct {
	ID       string
	Title    string
	Snippet  string // first line of the body
	Tags     []string
	Modified time.Time
	Pending  bool // edited locally, not yet on the server
	Conflict bool // a conflicted copy waiting to be resolved
	// Notebook is the effective notebook id ("" = root) and NotebookPath
	// its path like "Work/Projects" (SPEC §12.2).
	Notebook, NotebookPath string
}

// SyncState is the coarse state shown to the user.
type SyncState int

// Sync states.
const (
	StateIdle    SyncState = iota // never synced in this run
	StateSynced                   // everything pushed and pulled
	StateSyncing                  // in progress (see Done/Total)
	StateOffline                  // server unreachable; will retry
	StateError                    // stopped; Err says why
)

// SyncStatus is the current sync state.
type SyncStatus struct {
	State    SyncState
	Done     int // changes processed in this sync
	Total    int // changes known to process (0 if unknown)
	Pending  int // local changes not yet pushed
	LastSync time.Time
	Err      error // for StateOffline and StateError; show with Words(Err)
	// Live: the event stream is open (SPEC §7.10.1), so another device's
	// change arrives within moments, not at the next poll.
	Live bool
}

// SyncReport summarizes one Sync call.
type SyncReport struct {
	Pushed, Pulled, Merged, Conflicts int
	// Resynced: the server had compacted deleted notes past this device's
	// last sync, so it pulled everything again, verified (SPEC §10.7).
	// Removed notes were deleted on another device meanwhile; Rescued
	// edits of such notes were kept as new notes.
	Resynced         bool
	Removed, Rescued int
}

// EventKind says what changed.
type EventKind int

// Event kinds.
const (
	EventNotesChanged EventKind = iota // the list or a note changed (e.g. after a pull)
	EventStatusChanged
	EventLocked // auto-lock or Lock
)

// Event is delivered to Subscribe callbacks.
type Event struct {
	Kind   EventKind
	Status SyncStatus
	// Changed lists, on the EventNotesChanged a pull sends, the notes the
	// pull added, changed or deleted (empty for local edits).
	Changed []string
}

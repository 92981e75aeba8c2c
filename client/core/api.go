// Package core is the Cipherleaf client engine under both the desktop app
// and the CLI: the encrypted local vault, the account operations, offline
// editing, sync, search and export. It imports no GUI toolkit.
//
// API is the contract the GUI and the CLI program against; *Core implements
// it. Every method is safe to call from any goroutine.
package core

import (
	"context"
	"time"

	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// API is what a front end (GUI or CLI) may call.
type API interface {
	// Profile state.
	HasAccount() bool // an account (server, user, wrapped key) is stored in this profile
	Account() AccountInfo
	Locked() bool
	Close() error

	// First run and unlocking.
	ProbeServer(ctx context.Context, serverURL string) (ServerInfo, error)
	Register(ctx context.Context, in RegisterInput) (recoveryKey string, err error) // leaves the vault unlocked
	Login(ctx context.Context, in LoginInput) error                                 // new device; leaves it unlocked
	Recover(ctx context.Context, in RecoverInput) error                             // new password via recovery key; unlocked after
	Unlock(password []byte) error                                                   // ErrWrongPassword on a bad password
	UnlockWithDevice() error                                                        // uses the OS keyring device key; ErrNoDeviceKey if none
	RememberDevice(on bool) error
	DeviceRemembered() bool
	Lock() // drops every decrypted note and key from memory

	// Notes (work offline; every write goes to the vault first, then is queued).
	List() []NoteInfo // newest modified first
	Get(id string) (*note.Note, error)
	Create(n *note.Note) (id string, err error)
	Update(id string, n *note.Note) error
	Delete(id string) error
	Search(query string) []NoteInfo
	Conflicts() []NoteInfo                                  // conflicted copies
	ResolveConflict(copyID string, merged *note.Note) error // writes merged into the original, deletes the copy

	// Sync.
	Sync(ctx context.Context) (SyncReport, error)
	Status() SyncStatus
	StartAutoSync(ctx context.Context, every time.Duration) // background loop; also syncs shortly after each edit
	Subscribe(fn func(Event)) (cancel func())               // fn is called from background goroutines

	// Account.
	ChangePassword(ctx context.Context, oldPassword, newPassword []byte) error
	NewRecoveryKey(ctx context.Context, password []byte) (string, error)
	RotateKey(ctx context.Context) error
	Sessions(ctx context.Context) ([]protocol.Session, error)
	RevokeSession(ctx context.Context, id string) error
	RevokeOtherSessions(ctx context.Context) error
	Logout(ctx context.Context) error // forgets the account on this device (vault removed)
	DeleteAccount(ctx context.Context, password []byte) error

	// Export / import.
	ExportEncrypted(path string) error                // restorable with the password or recovery key
	ExportMarkdown(dir string) error                  // UNENCRYPTED folder of .md files
	Import(path string, password []byte) (int, error) // an encrypted backup; returns notes imported
}

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
}

// SyncReport summarizes one Sync call.
type SyncReport struct {
	Pushed, Pulled, Merged, Conflicts int
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
}

package ui

import (
	"context"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// Core is what the app calls on the client engine; *core.Core implements
// it. It is declared here, by its consumer, and lists only what the app
// uses. Every method is safe to call from any goroutine; none may be called
// on the UI thread if it can reach the network (they take a context).
type Core interface {
	Notes
	HasAccount() bool
	Account() core.AccountInfo
	Locked() bool

	ProbeServer(ctx context.Context, serverURL string) (core.ServerInfo, error)
	Repin(ctx context.Context, fingerprint string) error // trust a changed certificate (repin.go)
	Register(ctx context.Context, in core.RegisterInput) (recoveryKey string, err error)
	Login(ctx context.Context, in core.LoginInput) error // also signs an ended session in again
	Recover(ctx context.Context, in core.RecoverInput) error
	Unlock(password []byte) error
	UnlockWithDevice() error
	RememberDevice(on bool) error
	DeviceRemembered() bool
	Lock()

	Sync(ctx context.Context) (core.SyncReport, error)
	Status() core.SyncStatus
	StartAutoSync(ctx context.Context, every time.Duration)
	Subscribe(fn func(core.Event)) (cancel func())

	ChangePassword(ctx context.Context, oldPassword, newPassword []byte) error
	NewRecoveryKey(ctx context.Context, password []byte) (string, error)
	Sessions(ctx context.Context) ([]protocol.Session, error)
	RevokeSession(ctx context.Context, id string) error
	RevokeOtherSessions(ctx context.Context) error
	Logout(ctx context.Context) error
	DeleteAccount(ctx context.Context, password []byte) error

	ExportEncrypted(path string) error
	ExportMarkdown(dir string) error
	Import(path string, password []byte) (int, error)
}

// Notes is the part of Core the note list, the editor and the conflict
// view use: local reads and writes that never touch the network.
type Notes interface {
	List() []core.NoteInfo
	Get(id string) (*note.Note, error)
	Create(n *note.Note) (id string, err error)
	Update(id string, n *note.Note) error
	Delete(id string) error
	Search(query string) []core.NoteInfo
	Conflicts() []core.NoteInfo
	ResolveConflict(copyID string, merged *note.Note) error
}

var _ Core = (*core.Core)(nil)

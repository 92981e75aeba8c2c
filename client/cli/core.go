package cli

import (
	"context"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// Core is what the command line calls on the client engine; *core.Core
// implements it. It is declared here, by its consumer, and lists only what
// the commands use.
type Core interface {
	HasAccount() bool
	Locked() bool
	Close() error

	ProbeServer(ctx context.Context, serverURL string) (core.ServerInfo, error)
	Register(ctx context.Context, in core.RegisterInput) (recoveryKey string, err error)
	Login(ctx context.Context, in core.LoginInput) error
	Recover(ctx context.Context, in core.RecoverInput) error
	Unlock(password []byte) error
	UnlockWithDevice() error
	DeviceRemembered() bool

	List() []core.NoteInfo
	Get(id string) (*note.Note, error)
	Create(n *note.Note) (id string, err error)
	Update(id string, n *note.Note) error
	// UpdateFrom is Update for an edit made from base, the note as read:
	// a change made since (by the app) is merged, or the edit kept as a
	// conflicted copy.
	UpdateFrom(id string, base, n *note.Note) (core.Saved, error)
	Delete(id string) error
	Search(query string) []core.NoteInfo
	Trash(id string) error
	Untrash(id string) error
	TrashList() []core.TrashInfo
	EmptyTrash() error
	TrashDays() (int, error)
	SetTrashDays(days int) error
	Notebooks() []core.NotebookInfo
	CreateNotebook(name, parent string) (string, error)
	MoveNotebook(id, parent string) error
	DeleteNotebook(id string, trashNotes bool) error
	MoveNote(id, notebook string) error
	History(ctx context.Context, id string) ([]core.Revision, error)
	RevisionNote(ctx context.Context, id string, rev uint64) (*note.Note, error)
	Restore(ctx context.Context, id string, rev uint64) error

	Sync(ctx context.Context) (core.SyncReport, error)
	Status() core.SyncStatus
	StartAutoSync(ctx context.Context, every time.Duration)
	Subscribe(fn func(core.Event)) (cancel func())

	ChangePassword(ctx context.Context, oldPassword, newPassword []byte) error
	NewRecoveryKey(ctx context.Context, password []byte) (string, error)
	RotateKey(ctx context.Context) error
	Sessions(ctx context.Context) ([]protocol.Session, error)
	RevokeSession(ctx context.Context, id string) error
	RevokeOtherSessions(ctx context.Context) error
	Logout(ctx context.Context) error

	ExportEncrypted(path string) error
	ExportMarkdown(dir string) error
	Import(path string, password []byte) (int, error)
}

var _ Core = (*core.Core)(nil)

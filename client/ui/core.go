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
	Organizer
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
	NoteImporter // other apps' exports (importdialog.go)
}

// Notes is the part of Core the note list, the editor and the conflict
// view use: local reads and writes that never touch the network.
type Notes interface {
	List() []core.NoteInfo
	Get(id string) (*note.Note, error)
	Create(n *note.Note) (id string, err error)
	Update(id string, n *note.Note) error
	// AutosaveFrom is Update for an edit made while typing, from base (the
	// note as the editor loaded or last saved it): pushed with the note's
	// typing session (SPEC §12.4); a change made since base, by another
	// process or a pull, is merged, or the edit kept as a conflicted copy.
	// EndTyping ends a session ("" all).
	AutosaveFrom(id string, base, n *note.Note) (core.Saved, error)
	EndTyping(id string)
	Delete(id string) error
	Search(query string) []core.NoteInfo
	Conflicts() []core.NoteInfo
	ResolveConflict(copyID string, merged *note.Note) error
}

// Organizer is what the sidebar, the trash, "Move to…" and the history
// view use (SPEC §12). History, RevisionNote and Restore reach the server.
type Organizer interface {
	// Overview reads the notes, the notebook tree and the trash and
	// conflict counts at once: one read serves a whole refresh of the
	// sidebar and the note list.
	Overview() core.Overview
	Notebooks() []core.NotebookInfo
	CreateNotebook(name, parent string) (string, error)
	RenameNotebook(id, name string) error
	MoveNote(id, notebook string) error
	DeleteNotebook(id string, trashNotes bool) error

	Trash(id string) error
	Untrash(id string) error
	TrashList() []core.TrashInfo
	EmptyTrash() error
	TrashDays() (int, error)
	SetTrashDays(days int) error // the account's retention, synced (SPEC §12.5)

	History(ctx context.Context, id string) ([]core.Revision, error)
	RevisionNote(ctx context.Context, id string, rev uint64) (*note.Note, error)
	Restore(ctx context.Context, id string, rev uint64) error
}

var _ Core = (*core.Core)(nil)

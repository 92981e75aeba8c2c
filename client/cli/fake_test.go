package cli

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// fakeCore is a Core in memory that records what the CLI asked of it.
type fakeCore struct {
	account    bool
	locked     bool
	password   string
	remembered bool
	server     core.ServerInfo
	notes      map[string]*note.Note
	nextID     int
	pending    int
	report     core.SyncReport
	sessions   []protocol.Session
	fail       map[string]error // method name → error it returns
	conflict   string           // UpdateFrom keeps the edit as this conflicted copy
	calls      []string
	closed     bool
}

var _ Core = (*fakeCore)(nil)

func newFake() *fakeCore {
	return &fakeCore{account: true, locked: true, password: "pw", notes: map[string]*note.Note{}, fail: map[string]error{}}
}

func (f *fakeCore) call(format string, a ...any) error {
	s := fmt.Sprintf(format, a...)
	f.calls = append(f.calls, s)
	name, _, _ := strings.Cut(s, " ")
	return f.fail[name]
}

func (f *fakeCore) needUnlocked() error {
	if f.locked {
		return core.ErrLocked
	}
	return nil
}

func (f *fakeCore) HasAccount() bool { return f.account }
func (f *fakeCore) Locked() bool     { return f.locked }
func (f *fakeCore) Close() error     { f.closed = true; return nil }

func (f *fakeCore) ProbeServer(_ context.Context, url string) (core.ServerInfo, error) {
	if err := f.call("ProbeServer %s", url); err != nil {
		return core.ServerInfo{}, err
	}
	s := f.server
	s.URL = url
	return s, nil
}

func (f *fakeCore) Register(_ context.Context, in core.RegisterInput) (string, error) {
	if err := f.call("Register %s %s %q %s", in.ServerURL, in.Username, in.Pin, in.Password); err != nil {
		return "", err
	}
	f.account, f.locked = true, false
	return "RK-1234-5678", nil
}

func (f *fakeCore) Login(_ context.Context, in core.LoginInput) error {
	if err := f.call("Login %s %s %q %s", in.ServerURL, in.Username, in.Pin, in.Password); err != nil {
		return err
	}
	f.account, f.locked = true, false
	return nil
}

func (f *fakeCore) Recover(_ context.Context, in core.RecoverInput) error {
	if err := f.call("Recover %s %s %q %s %s", in.ServerURL, in.Username, in.Pin, in.RecoveryKey, in.NewPassword); err != nil {
		return err
	}
	f.account, f.locked = true, false
	return nil
}

func (f *fakeCore) Unlock(pw []byte) error {
	if err := f.call("Unlock %s", pw); err != nil {
		return err
	}
	if string(pw) != f.password {
		return core.ErrWrongPassword
	}
	f.locked = false
	return nil
}

func (f *fakeCore) UnlockWithDevice() error {
	if err := f.call("UnlockWithDevice"); err != nil {
		return err
	}
	if !f.remembered {
		return core.ErrNoDeviceKey
	}
	f.locked = false
	return nil
}

func (f *fakeCore) DeviceRemembered() bool { return f.remembered }

func (f *fakeCore) List() []core.NoteInfo {
	f.call("List")
	var out []core.NoteInfo
	for id, n := range f.notes {
		out = append(out, core.NoteInfo{ID: id, Title: n.Title, Modified: n.Modified})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Modified.After(out[j].Modified) })
	return out
}

func (f *fakeCore) Get(id string) (*note.Note, error) {
	if err := f.call("Get %s", id); err != nil {
		return nil, err
	}
	if err := f.needUnlocked(); err != nil {
		return nil, err
	}
	n, ok := f.notes[id]
	if !ok {
		return nil, core.ErrNotFound
	}
	c := *n
	return &c, nil
}

func (f *fakeCore) Create(n *note.Note) (string, error) {
	if err := f.call("Create %q %q", n.Title, n.Body); err != nil {
		return "", err
	}
	if err := f.needUnlocked(); err != nil {
		return "", err
	}
	f.nextID++
	id := fmt.Sprintf("00000000-0000-4000-8000-%012d", f.nextID)
	c := *n
	f.notes[id] = &c
	return id, nil
}

func (f *fakeCore) Update(id string, n *note.Note) error {
	if err := f.call("Update %s %q %q", id, n.Title, n.Body); err != nil {
		return err
	}
	c := *n
	f.notes[id] = &c
	return nil
}

func (f *fakeCore) UpdateFrom(id string, _, n *note.Note) (core.Saved, error) {
	if err := f.call("UpdateFrom %s %q %q", id, n.Title, n.Body); err != nil {
		return core.Saved{}, err
	}
	c := *n
	if f.conflict != "" {
		c.ConflictOf = id
		f.notes[f.conflict] = &c
		return core.Saved{ID: f.conflict, Note: &c, Conflict: true}, nil
	}
	f.notes[id] = &c
	return core.Saved{ID: id, Note: n}, nil
}

func (f *fakeCore) Delete(id string) error { return f.call("Delete %s", id) }

func (f *fakeCore) Search(q string) []core.NoteInfo {
	f.call("Search %q", q)
	var out []core.NoteInfo
	for id, n := range f.notes {
		if strings.Contains(n.Body, q) || strings.Contains(n.Title, q) {
			out = append(out, core.NoteInfo{ID: id, Title: n.Title, Modified: n.Modified})
		}
	}
	return out
}

func (f *fakeCore) Status() core.SyncStatus { return core.SyncStatus{Pending: f.pending} }
func (f *fakeCore) NewRecoveryKey(_ context.Context, pw []byte) (string, error) {
	return "AAAAA-BBBBB", f.call("NewRecoveryKey %s", pw)
}

func (f *fakeCore) Sync(context.Context) (core.SyncReport, error) {
	return f.report, f.call("Sync")
}

func (f *fakeCore) ChangePassword(_ context.Context, old, pw []byte) error {
	return f.call("ChangePassword %s %s", old, pw)
}

func (f *fakeCore) RotateKey(context.Context) error { return f.call("RotateKey") }

func (f *fakeCore) Sessions(context.Context) ([]protocol.Session, error) {
	return f.sessions, f.call("Sessions")
}

func (f *fakeCore) RevokeSession(_ context.Context, id string) error {
	return f.call("RevokeSession %s", id)
}
func (f *fakeCore) RevokeOtherSessions(context.Context) error { return f.call("RevokeOtherSessions") }
func (f *fakeCore) Logout(context.Context) error              { return f.call("Logout") }
func (f *fakeCore) ExportEncrypted(path string) error         { return f.call("ExportEncrypted %s", path) }
func (f *fakeCore) ExportMarkdown(dir string) error           { return f.call("ExportMarkdown %s", dir) }
func (f *fakeCore) Import(path string, pw []byte) (int, error) {
	return 3, f.call("Import %s %s", path, pw)
}

// fakeTerm answers prompts from a script.
type fakeTerm struct {
	secrets []string
	confirm bool
	prompts []string
}

func (t *fakeTerm) ReadSecret(prompt string) ([]byte, error) {
	t.prompts = append(t.prompts, prompt)
	if len(t.secrets) == 0 {
		return nil, errors.New("no more input")
	}
	s := t.secrets[0]
	t.secrets = t.secrets[1:]
	return []byte(s), nil
}

func (t *fakeTerm) Confirm(prompt string) (bool, error) {
	t.prompts = append(t.prompts, prompt)
	return t.confirm, nil
}

func (f *fakeCore) StartAutoSync(context.Context, time.Duration) { _ = f.call("StartAutoSync") }

func (f *fakeCore) Subscribe(func(core.Event)) func() { return func() {} }

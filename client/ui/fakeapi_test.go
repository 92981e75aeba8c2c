package ui

import (
	"cipherleaf.dev/client/importer"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// errFakeWrongPassword is what the real core returns for a bad password.
var errFakeWrongPassword = core.ErrWrongPassword

// fakeAPI is an in-memory Core for fast UI tests. Its methods are safe
// from any goroutine; subscribers are called outside its lock.
type fakeAPI struct {
	trashDays  int // 0: the default
	mu         sync.Mutex
	hasAccount bool
	locked     bool
	password   string
	acct       core.AccountInfo
	notes      map[string]*note.Note
	pending    map[string]bool
	nextID     int
	remembered bool
	status     core.SyncStatus
	subs       map[int]func(core.Event)
	nextSub    int
	probe      core.ServerInfo
	probeErr   error
	recovery   string
	sessions   []protocol.Session
	calls      []string
	revs       map[string][]fakeRev // past revisions per note, oldest first
	typing     map[string]bool      // notes in a typing session

	// Errors to return, by method name.
	fail map[string]error
}

func newFakeAPI() *fakeAPI {
	return &fakeAPI{
		notes:    map[string]*note.Note{},
		pending:  map[string]bool{},
		subs:     map[int]func(core.Event){},
		fail:     map[string]error{},
		probe:    core.ServerInfo{URL: "https://notes.test:8443", Fingerprint: "sha256:" + strings.Repeat("ab12", 16)},
		recovery: "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY-Z2345-67ABC-DEFGH-IJKLM-NOPQR-STUVW",
		sessions: []protocol.Session{
			{ID: "s1", DeviceName: "Laptop", Current: true, LastSeen: testNow},
			{ID: "s2", DeviceName: "Office desktop", LastSeen: testNow.Add(-48 * time.Hour)},
		},
	}
}

// withAccount makes the fake a locked profile of alice with password pw.
func (f *fakeAPI) withAccount(pw string) *fakeAPI {
	f.hasAccount, f.locked, f.password = true, true, pw
	f.acct = core.AccountInfo{ServerURL: "https://notes.test:8443", Fingerprint: f.probe.Fingerprint, Username: "alice", UserID: "u1"}
	return f
}

// add stores a note directly (as if synced earlier) and returns its id.
func (f *fakeAPI) add(n note.Note) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	id := fmt.Sprintf("n%02d", f.nextID)
	f.notes[id] = &n
	return id
}

func (f *fakeAPI) record(call string) error {
	f.calls = append(f.calls, call)
	return f.fail[call]
}

func (f *fakeAPI) called(call string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == call {
			n++
		}
	}
	return n
}

func (f *fakeAPI) setFail(call string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[call] = err
}

func (f *fakeAPI) emit(ev core.Event) {
	f.mu.Lock()
	var fns []func(core.Event)
	for _, fn := range f.subs {
		fns = append(fns, fn)
	}
	f.mu.Unlock()
	for _, fn := range fns {
		fn(ev)
	}
}

func (f *fakeAPI) HasAccount() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.hasAccount }
func (f *fakeAPI) Account() core.AccountInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.acct
}
func (f *fakeAPI) Locked() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.locked }

func (f *fakeAPI) ProbeServer(_ context.Context, url string) (core.ServerInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("ProbeServer"); err != nil {
		return core.ServerInfo{}, err
	}
	info := f.probe
	info.URL = url
	return info, nil
}

func (f *fakeAPI) Repin(_ context.Context, fp string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "Repin "+fp)
	if err := f.fail["Repin"]; err != nil {
		return err
	}
	f.acct.Fingerprint = fp
	return nil
}

func (f *fakeAPI) Register(_ context.Context, in core.RegisterInput) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("Register"); err != nil {
		return "", err
	}
	f.hasAccount, f.locked, f.password = true, false, string(in.Password)
	f.acct = core.AccountInfo{ServerURL: in.ServerURL, Fingerprint: in.Pin, Username: in.Username, UserID: "u1"}
	return f.recovery, nil
}

func (f *fakeAPI) Login(_ context.Context, in core.LoginInput) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("Login"); err != nil {
		return err
	}
	if f.password != "" && string(in.Password) != f.password {
		return errFakeWrongPassword
	}
	f.hasAccount, f.locked = true, false
	f.acct = core.AccountInfo{ServerURL: in.ServerURL, Fingerprint: in.Pin, Username: in.Username, UserID: "u1"}
	return nil
}

func (f *fakeAPI) Recover(_ context.Context, in core.RecoverInput) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("Recover"); err != nil {
		return err
	}
	if in.RecoveryKey != f.recovery {
		return errors.New("recovery key mistyped")
	}
	f.hasAccount, f.locked, f.password = true, false, string(in.NewPassword)
	return nil
}

func (f *fakeAPI) Unlock(pw []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("Unlock"); err != nil {
		return err
	}
	if string(pw) != f.password {
		return errFakeWrongPassword
	}
	f.locked = false
	return nil
}

func (f *fakeAPI) UnlockWithDevice() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("UnlockWithDevice"); err != nil {
		return err
	}
	if !f.remembered {
		return errors.New("no device key")
	}
	f.locked = false
	return nil
}

func (f *fakeAPI) RememberDevice(on bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("RememberDevice"); err != nil {
		return err
	}
	f.remembered = on
	return nil
}

func (f *fakeAPI) DeviceRemembered() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.remembered }

func (f *fakeAPI) Lock() {
	f.mu.Lock()
	f.locked = true
	f.calls = append(f.calls, "Lock")
	f.mu.Unlock()
	f.emit(core.Event{Kind: core.EventLocked})
}

func (f *fakeAPI) info(id string, n *note.Note) core.NoteInfo {
	first, _, _ := strings.Cut(strings.TrimSpace(n.Body), "\n")
	return core.NoteInfo{ID: id, Title: n.Title, Snippet: first, Tags: n.Tags, Modified: n.Modified,
		Pending: f.pending[id], Conflict: n.ConflictOf != ""}
}

func (f *fakeAPI) listWhere(keep func(*note.Note) bool) []core.NoteInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.locked {
		return nil
	}
	var out []core.NoteInfo
	paths := f.pathsLocked()
	for id, n := range f.notes {
		if n.IsNote() && !n.Trashed() && keep(n) {
			ni := f.info(id, n)
			if _, ok := paths[n.Notebook]; ok {
				ni.Notebook, ni.NotebookPath = n.Notebook, paths[n.Notebook]
			}
			out = append(out, ni)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Modified.Equal(out[j].Modified) {
			return out[i].Modified.After(out[j].Modified)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func (f *fakeAPI) List() []core.NoteInfo {
	f.mu.Lock()
	f.record("List")
	f.mu.Unlock()
	return f.listWhere(func(*note.Note) bool { return true })
}

func (f *fakeAPI) Search(q string) []core.NoteInfo {
	q = strings.ToLower(q)
	return f.listWhere(func(n *note.Note) bool {
		return strings.Contains(strings.ToLower(n.Title+"\n"+n.Body+"\n"+strings.Join(n.Tags, " ")), q)
	})
}

func (f *fakeAPI) Conflicts() []core.NoteInfo {
	return f.listWhere(func(n *note.Note) bool { return n.ConflictOf != "" })
}

func (f *fakeAPI) Get(id string) (*note.Note, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, ok := f.notes[id]
	if !ok || f.locked {
		return nil, errors.New("note not found")
	}
	cp := *n
	return &cp, nil
}

func (f *fakeAPI) Create(n *note.Note) (string, error) {
	f.mu.Lock()
	if err := f.record("Create"); err != nil {
		f.mu.Unlock()
		return "", err
	}
	f.nextID++
	id := fmt.Sprintf("n%02d", f.nextID)
	cp := *n
	f.notes[id] = &cp
	f.pending[id] = true
	f.mu.Unlock()
	return id, nil
}

func (f *fakeAPI) Update(id string, n *note.Note) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("Update"); err != nil {
		return err
	}
	if _, ok := f.notes[id]; !ok {
		return errors.New("note not found")
	}
	cp := *n
	f.notes[id] = &cp
	f.pending[id] = true
	return nil
}

func (f *fakeAPI) Delete(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("Delete"); err != nil {
		return err
	}
	delete(f.notes, id)
	return nil
}

func (f *fakeAPI) ResolveConflict(copyID string, merged *note.Note) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("ResolveConflict"); err != nil {
		return err
	}
	cp, ok := f.notes[copyID]
	if !ok {
		return errors.New("note not found")
	}
	m := *merged
	f.notes[cp.ConflictOf] = &m
	delete(f.notes, copyID)
	return nil
}

func (f *fakeAPI) Sync(context.Context) (core.SyncReport, error) {
	f.mu.Lock()
	err := f.record("Sync")
	if err == nil {
		f.pending = map[string]bool{}
		f.status = core.SyncStatus{State: core.StateSynced, LastSync: testNow}
	} else {
		f.status = core.SyncStatus{State: core.StateError, Err: err}
	}
	st := f.status
	f.mu.Unlock()
	f.emit(core.Event{Kind: core.EventStatusChanged, Status: st})
	return core.SyncReport{}, err
}

func (f *fakeAPI) Status() core.SyncStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := f.status
	st.Pending = len(f.pending)
	return st
}

func (f *fakeAPI) StartAutoSync(context.Context, time.Duration) {
	f.mu.Lock()
	f.calls = append(f.calls, "StartAutoSync")
	f.mu.Unlock()
}

func (f *fakeAPI) Subscribe(fn func(core.Event)) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.nextSub
	f.nextSub++
	f.subs[id] = fn
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.subs, id)
	}
}

func (f *fakeAPI) ChangePassword(_ context.Context, old, nw []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("ChangePassword"); err != nil {
		return err
	}
	if string(old) != f.password {
		return errFakeWrongPassword
	}
	f.password = string(nw)
	return nil
}

func (f *fakeAPI) NewRecoveryKey(_ context.Context, pw []byte) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("NewRecoveryKey"); err != nil {
		return "", err
	}
	if string(pw) != f.password {
		return "", errFakeWrongPassword
	}
	f.recovery = "NEWKY-" + f.recovery[6:]
	return f.recovery, nil
}

func (f *fakeAPI) Sessions(context.Context) ([]protocol.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("Sessions"); err != nil {
		return nil, err
	}
	return append([]protocol.Session(nil), f.sessions...), nil
}

func (f *fakeAPI) RevokeSession(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("RevokeSession"); err != nil {
		return err
	}
	for i, s := range f.sessions {
		if s.ID == id {
			f.sessions = append(f.sessions[:i], f.sessions[i+1:]...)
			break
		}
	}
	return nil
}

func (f *fakeAPI) RevokeOtherSessions(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("RevokeOtherSessions"); err != nil {
		return err
	}
	var keep []protocol.Session
	for _, s := range f.sessions {
		if s.Current {
			keep = append(keep, s)
		}
	}
	f.sessions = keep
	return nil
}

func (f *fakeAPI) Logout(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("Logout"); err != nil {
		return err
	}
	f.hasAccount, f.locked, f.notes = false, true, map[string]*note.Note{}
	return nil
}

func (f *fakeAPI) DeleteAccount(_ context.Context, pw []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("DeleteAccount"); err != nil {
		return err
	}
	if string(pw) != f.password {
		return errFakeWrongPassword
	}
	f.hasAccount, f.locked, f.notes = false, true, map[string]*note.Note{}
	return nil
}

func (f *fakeAPI) ExportEncrypted(string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.record("ExportEncrypted")
}

func (f *fakeAPI) ExportMarkdown(string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.record("ExportMarkdown")
}

func (f *fakeAPI) Import(string, []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return 3, f.record("Import")
}

// ImportedSources, NewNoteID and ImportNotes keep imports like notes; the
// fake has no attachments (a file's id is "").
func (f *fakeAPI) ImportedSources() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := map[string]string{}
	for id, n := range f.notes {
		if n.Source != "" {
			m[n.Source] = id
		}
	}
	return m
}

func (f *fakeAPI) NewNoteID() (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	return fmt.Sprintf("n%02d", f.nextID), nil
}

func (f *fakeAPI) ImportNotes(batch []importer.Pending) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("ImportNotes"); err != nil {
		return err
	}
	for _, p := range batch {
		cp := *p.Note
		cp.Body = p.Body(make([]string, len(p.Files)))
		f.notes[p.ID] = &cp
		f.pending[p.ID] = true
	}
	return nil
}

// ImportNotebooks: nil, so notebook paths become "notebook:" tags.
func (f *fakeAPI) ImportNotebooks() importer.Notebooks { return nil }

var _ Core = (*fakeAPI)(nil)

package ui

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/note"
)

func TestPasswordStrength(t *testing.T) {
	tests := []struct {
		pw     string
		avoid  string
		score  int
		ok     bool
		saying string
	}{
		{"", "", 0, false, "Choose"},
		{"abc", "", 0, false, "Too short"},
		{"password123", "", 0, false, "common password"},
		{"aaaaaaaaaaaaaaaa", "", 0, false, "Very weak"},
		{"Tr0ub4dor&3", "", 3, true, "Good"},
		{"correct horse battery staple", "", 4, true, "Strong"},
		{"alicealice12", "alice", 0, false, "Very weak"},
		{"short1A!", "", 1, false, "Too short"},
		{"lemon tree sky", "", 2, true, "Fair"},
		{"lemon tree sky blue", "", 4, true, "Strong"},
	}
	for _, tt := range tests {
		t.Run(tt.pw, func(t *testing.T) {
			got := passwordStrength(tt.pw, tt.avoid)
			if got.Score != tt.score || got.OK != tt.ok || !strings.Contains(got.Words, tt.saying) {
				t.Errorf("passwordStrength(%q) = %+v, want score %d ok %v words containing %q", tt.pw, got, tt.score, tt.ok, tt.saying)
			}
		})
	}
}

func TestModifiedText(t *testing.T) {
	now := testNow // a Friday, 10:30
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, ""},
		{now.Add(-20 * time.Second), "just now"},
		{now.Add(-5 * time.Minute), "5 min ago"},
		{now.Add(-3 * time.Hour), "07:30"},
		{now.Add(-24 * time.Hour), "yesterday"},
		{now.Add(-72 * time.Hour), "Tuesday"},
		{now.Add(-30 * 24 * time.Hour), "12 Feb"},
		{now.AddDate(-1, 0, 0), "14 Mar 2024"},
	}
	for _, tt := range tests {
		if got := modifiedText(now, tt.t); got != tt.want {
			t.Errorf("modifiedText(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestParseTags(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", ""},
		{"work", "work"},
		{" work , ideas,,#todo ", "work|ideas|todo"},
		{"Work, work, WORK", "Work"},
	}
	for _, tt := range tests {
		if got := strings.Join(parseTags(tt.in), "|"); got != tt.want {
			t.Errorf("parseTags(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := formatTags(parseTags("a, b")); got != "a, b" {
		t.Errorf("formatTags round trip = %q, want %q", got, "a, b")
	}
}

func TestFingerprint(t *testing.T) {
	fp := "sha256:" + strings.Repeat("0123456789abcdef", 4)
	got := groupFingerprint(fp)
	want := "sha256:\n0123456789abcdef  0123456789abcdef\n0123456789abcdef  0123456789abcdef"
	if got != want {
		t.Errorf("groupFingerprint(%q) =\n%s\nwant\n%s", fp, got, want)
	}
	if strings.NewReplacer("\n", "", " ", "").Replace(got) != fp {
		t.Errorf("grouping changed the characters: %q", got)
	}
	tests := []struct {
		a, b string
		want bool
	}{
		{fp, fp, true},
		{fp, strings.ToUpper(fp), true},
		{fp, groupFingerprint(fp), true},
		{fp, "sha256:" + strings.Repeat("0123456789abcdef", 3) + "0123456789abcdee", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := sameFingerprint(tt.a, tt.b); got != tt.want {
			t.Errorf("sameFingerprint(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestDescribeStatus(t *testing.T) {
	tests := []struct {
		name string
		s    core.SyncStatus
		want statusView
	}{
		{"idle", core.SyncStatus{}, statusView{Kind: kindIdle, Text: "Not synced yet"}},
		{"synced", core.SyncStatus{State: core.StateSynced, LastSync: testNow.Add(-time.Hour)},
			statusView{Kind: kindOK, Text: "Synced · last at 09:30"}},
		{"synced, stream open", core.SyncStatus{State: core.StateSynced, LastSync: testNow.Add(-time.Hour), Live: true},
			statusView{Kind: kindOK, Text: "Synced · live"}},
		{"synced live with pending", core.SyncStatus{State: core.StateSynced, Live: true, Pending: 1},
			statusView{Kind: kindOK, Text: "Synced · live · 1 change waiting"}},
		{"synced with pending", core.SyncStatus{State: core.StateSynced, LastSync: testNow, Pending: 2},
			statusView{Kind: kindOK, Text: "Synced · last at 10:30 · 2 changes waiting"}},
		{"small sync", core.SyncStatus{State: core.StateSyncing, Done: 1, Total: 3},
			statusView{Kind: kindBusy, Text: "Syncing… 1 of 3", Progress: 1.0 / 3}},
		{"large sync", core.SyncStatus{State: core.StateSyncing, Done: 50, Total: 200},
			statusView{Kind: kindBusy, Text: "Syncing… 50 of 200", Progress: 0.25, ShowBar: true}},
		{"offline", core.SyncStatus{State: core.StateOffline, Pending: 1, Err: errors.New("dial tcp: refused")},
			statusView{Kind: kindOffline, Text: "Offline — will retry · 1 change waiting"}},
		{"error", core.SyncStatus{State: core.StateError, Err: errors.New("session expired")},
			statusView{Kind: kindError, Text: "Sync stopped: " + words(errors.New("session expired")), Retry: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := describeStatus(tt.s, testNow); got != tt.want {
				t.Errorf("describeStatus(%+v) = %+v, want %+v", tt.s, got, tt.want)
			}
		})
	}
}

func TestAutosaverDebounces(t *testing.T) {
	clock := newFakeClock()
	var mu sync.Mutex
	var saved []string
	s := newAutosaver(700*time.Millisecond, clock.after, func(id string, _, n *note.Note) (core.Saved, error) {
		mu.Lock()
		defer mu.Unlock()
		saved = append(saved, id+":"+n.Body)
		return core.Saved{ID: id, Note: n}, nil
	}, nil)
	for _, body := range []string{"h", "he", "hel", "hello"} {
		s.Changed("a", &note.Note{Body: body})
		clock.Advance(300 * time.Millisecond)
	}
	if len(saved) != 0 {
		t.Fatalf("saved %q while typing, want nothing before a pause", saved)
	}
	if !s.Pending() {
		t.Fatal("Pending() = false while an edit waits")
	}
	clock.Advance(400 * time.Millisecond)
	if got := strings.Join(saved, ","); got != "a:hello" {
		t.Fatalf("saved %q after the pause, want only the latest version a:hello", got)
	}
	if s.Pending() {
		t.Error("Pending() = true after the save")
	}
	// An edit of another note saves the first one at once.
	s.Changed("a", &note.Note{Body: "one"})
	s.Changed("b", &note.Note{Body: "two"})
	if got := strings.Join(saved, ","); got != "a:hello,a:one" {
		t.Errorf("saved %q after switching notes, want a:one saved at once", got)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := saved[len(saved)-1]; got != "b:two" {
		t.Errorf("Flush saved %q, want b:two", got)
	}
	// Dropping a note's pending edit (it is being deleted) saves nothing.
	s.Changed("c", &note.Note{Body: "gone"})
	s.Drop("c")
	clock.Advance(time.Second)
	if got := saved[len(saved)-1]; got != "b:two" {
		t.Errorf("a dropped edit was saved: %q", got)
	}
}

func TestAutosaverKeepsFailedEdit(t *testing.T) {
	clock := newFakeClock()
	fail := errors.New("disk full")
	var results []error
	calls := 0
	s := newAutosaver(time.Second, clock.after, func(id string, _, n *note.Note) (core.Saved, error) {
		calls++
		if calls == 1 {
			return core.Saved{}, fail
		}
		return core.Saved{ID: id, Note: n}, nil
	}, func(_ string, _ *note.Note, _ core.Saved, err error) { results = append(results, err) })
	s.Changed("a", &note.Note{Body: "precious"})
	clock.Advance(time.Second)
	if len(results) != 1 || !errors.Is(results[0], fail) {
		t.Fatalf("results = %v, want the save error reported", results)
	}
	if !s.Pending() {
		t.Fatal("a failed edit was forgotten")
	}
	if err := s.Flush(); err != nil || calls != 2 {
		t.Fatalf("retry: err %v after %d calls, want success on the 2nd", err, calls)
	}
}

func TestIdleLock(t *testing.T) {
	clock := newFakeClock()
	locked := 0
	l := newIdleLock(clock.Now, clock.after, func() { locked++ })
	l.Start(5 * time.Minute)
	clock.Advance(4 * time.Minute)
	l.Touch()
	clock.Advance(4 * time.Minute)
	if locked != 0 {
		t.Fatalf("locked after 4 idle minutes of 5")
	}
	clock.Advance(time.Minute)
	if locked != 1 {
		t.Fatalf("locked = %d after 5 idle minutes, want 1", locked)
	}
	clock.Advance(time.Hour)
	if locked != 1 {
		t.Errorf("locked again (%d) without a restart", locked)
	}
	l.Start(0)
	clock.Advance(24 * time.Hour)
	if locked != 1 {
		t.Errorf("auto-lock \"never\" still locked")
	}
	l.Start(time.Minute)
	l.Stop()
	clock.Advance(time.Hour)
	if locked != 1 || clock.pendingTimers() != 0 {
		t.Errorf("after Stop: locked %d, %d timers pending", locked, clock.pendingTimers())
	}
}

func TestFirstRunModelProblem(t *testing.T) {
	probed := &core.ServerInfo{URL: "https://s", Fingerprint: "sha256:aa"}
	public := &core.ServerInfo{URL: "https://s", PublicTrusted: true}
	tests := []struct {
		name string
		m    firstRunModel
		want string
	}{
		{"no server", firstRunModel{}, "server’s address"},
		{"not probed", firstRunModel{serverURL: "s"}, "Check the server"},
		{"probed other url", firstRunModel{serverURL: "other", probed: probed, probedFor: "https://s"}, "Check the server"},
		{"untrusted", firstRunModel{serverURL: "s", probed: probed, probedFor: "https://s"}, "fingerprint"},
		{"no user", firstRunModel{serverURL: "s", probed: public, probedFor: "https://s"}, "user name"},
		{"weak", firstRunModel{serverURL: "s", probed: public, probedFor: "https://s", username: "al", password: "abc"}, "stronger"},
		{"mismatch", firstRunModel{serverURL: "s", probed: public, probedFor: "https://s", username: "al", password: "lemon tree sky", confirm: "lemon tree"}, "don’t match"},
		{"create ready", firstRunModel{serverURL: "s", probed: probed, probedFor: "https://s", trusted: true, username: "al", password: "lemon tree sky", confirm: "lemon tree sky"}, ""},
		{"sign in ready", firstRunModel{mode: modeSignIn, serverURL: "https://s/", probed: public, probedFor: "https://s", username: "al", password: "x"}, ""},
		{"recover no key", firstRunModel{mode: modeRecover, serverURL: "s", probed: public, probedFor: "https://s", username: "al", password: "lemon tree sky", confirm: "lemon tree sky"}, "recovery key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.m.problem()
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("problem() = %q, want %q", got, tt.want)
			}
		})
	}
	m := firstRunModel{probed: probed}
	if m.pin() != "sha256:aa" {
		t.Errorf("pin() = %q for a self-signed server, want its fingerprint", m.pin())
	}
	m.probed = public
	if m.pin() != "" {
		t.Errorf("pin() = %q for a publicly trusted server, want none", m.pin())
	}
}

func TestResolveModel(t *testing.T) {
	api := newFakeAPI().withAccount("pw")
	api.locked = false
	orig := api.add(note.Note{Title: "Plan", Body: "server text", Tags: []string{"a"}})
	cp := api.add(note.Note{Title: "Plan", Body: "my text", ConflictOf: orig})
	m, err := loadResolve(api, cp)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.keep(true); got.Body != "my text" || got.ConflictOf != "" {
		t.Errorf("keep(copy) = %+v, want my text, not marked as a copy", got)
	}
	if got := m.keep(false); got.Body != "server text" || got.ConflictOf != "" {
		t.Errorf("keep(orig) = %+v, want server text", got)
	}
	if got := m.merged("Plan v2", "both", "a, b"); got.Title != "Plan v2" || got.Body != "both" || len(got.Tags) != 2 || got.ConflictOf != "" {
		t.Errorf("merged() = %+v", got)
	}
	if _, err := loadResolve(api, orig); err == nil {
		t.Error("loadResolve of a note that is not a copy succeeded")
	}
}

func TestListModel(t *testing.T) {
	api := newFakeAPI().withAccount("pw")
	api.locked = false
	g, i, tr := sampleNotes(api)
	m := listModel{api: api}
	m.Reload()
	if len(m.items) != 3 || m.items[0].ID != g || m.items[2].ID != tr {
		t.Fatalf("items = %+v, want newest first", m.items)
	}
	m.SetQuery("garden")
	if len(m.items) != 1 || m.items[0].ID != i || m.Index(i) != 0 || m.Index(g) != -1 {
		t.Errorf("search garden = %+v", m.items)
	}
	m.SetQuery("  ")
	if len(m.items) != 3 {
		t.Errorf("blank query shows %d notes, want all 3", len(m.items))
	}
}

func TestWords(t *testing.T) {
	if got := words(nil); got != "" {
		t.Errorf("words(nil) = %q", got)
	}
	if got := words(fmt.Errorf("unlock: %w", core.ErrWrongPassword)); got != "Wrong password." {
		t.Errorf("words(wrapped ErrWrongPassword) = %q, want %q", got, "Wrong password.")
	}
	if got := words(errors.New("sql: database is locked at vault.go:42")); strings.Contains(got, "vault.go") {
		t.Errorf("words leaked an internal error: %q", got)
	}
}

package cli

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

const (
	id1 = "00000000-0000-4000-8000-000000000001"
	id2 = "00000000-0000-4000-8000-000000000002"
	fp  = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	fp2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
)

// run drives the CLI against f with a scripted terminal (nil: none).
// trashedNote is twoNotes with the second in the trash.
func trashedNote(f *fakeCore) {
	twoNotes(f)
	f.notes[id2].TrashedAt = time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
}

func run(t *testing.T, f *fakeCore, env map[string]string, stdin string, term terminal, args ...string) (string, string, error, string) {
	t.Helper()
	var out, errb bytes.Buffer
	var opened string
	a := &app{
		getenv: func(k string) string { return env[k] },
		stdin:  strings.NewReader(stdin), stdout: &out, stderr: &errb, term: term,
		open: func(dir string) (Core, error) { opened = dir; return f, nil },
	}
	err := a.main(context.Background(), args)
	return out.String(), errb.String(), err, opened
}

var pwEnv = map[string]string{EnvPassword: "pw"}

func twoNotes(f *fakeCore) {
	f.notes[id1] = &note.Note{Title: "groceries", Body: "milk\neggs\n", Modified: time.Date(2025, 3, 1, 10, 0, 0, 0, time.FixedZone("X", 3600))}
	f.notes[id2] = &note.Note{Title: "tab\there\nnewline", Body: "b", Modified: time.Date(2025, 3, 2, 10, 0, 0, 0, time.UTC)}
}

func TestCommands(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		env       map[string]string
		stdin     string
		term      *fakeTerm
		setup     func(f *fakeCore)
		wantOut   string
		wantErr   string // substring of stderr on success, or of the one error line
		fails     bool
		usage     bool
		wantCalls []string
	}{
		{name: "list", args: []string{"list"}, env: pwEnv, setup: twoNotes,
			wantOut:   id2 + "\ttab here newline\t2025-03-02T10:00:00Z\t\n" + id1 + "\tgroceries\t2025-03-01T09:00:00Z\t\n",
			wantCalls: []string{"Unlock pw", "List"}},
		{name: "list empty", args: []string{"list"}, env: pwEnv, wantOut: "", wantCalls: []string{"Unlock pw", "List"}},
		{name: "new with title", args: []string{"new", "--title", "T 1"}, env: pwEnv, stdin: "hello\nworld\n",
			wantOut: "00000000-0000-4000-8000-000000000001\n", wantCalls: []string{"Unlock pw", `Create "T 1" "hello\nworld\n"`}},
		{name: "new without title", args: []string{"new"}, env: pwEnv, stdin: "x",
			wantOut: "00000000-0000-4000-8000-000000000001\n", wantCalls: []string{"Unlock pw", `Create "" "x"`}},
		{name: "show prints the body verbatim", args: []string{"show", id1}, env: pwEnv, setup: twoNotes,
			wantOut: "milk\neggs\n", wantCalls: []string{"Unlock pw", "Get " + id1}},
		{name: "show unknown", args: []string{"show", id1}, env: pwEnv, fails: true, wantErr: core.Words(core.ErrNotFound),
			wantCalls: []string{"Unlock pw", "Get " + id1}},
		{name: "edit keeps title", args: []string{"edit", id1}, env: pwEnv, setup: twoNotes, stdin: "new body",
			wantCalls: []string{"Unlock pw", "Get " + id1, `UpdateFrom ` + id1 + ` "groceries" "new body"`}},
		{name: "edit meets the app's overlapping edit", args: []string{"edit", id1}, env: pwEnv, stdin: "mine",
			setup:     func(f *fakeCore) { twoNotes(f); f.conflict = "00000000-0000-4000-8000-000000000009" },
			wantErr:   "your version is kept as a \"conflicted copy\" note next to it (00000000-0000-4000-8000-000000000009)",
			wantCalls: []string{"Unlock pw", "Get " + id1, `UpdateFrom ` + id1 + ` "groceries" "mine"`}},
		{name: "edit with title after id", args: []string{"edit", id1, "--title", "shop"}, env: pwEnv, setup: twoNotes, stdin: "b2",
			wantCalls: []string{"Unlock pw", "Get " + id1, `UpdateFrom ` + id1 + ` "shop" "b2"`}},
		{name: "rm trashes", args: []string{"rm", id2}, env: pwEnv, wantCalls: []string{"Unlock pw", "Trash " + id2}},
		{name: "rm --forever", args: []string{"rm", id2, "--forever"}, env: pwEnv, wantCalls: []string{"Unlock pw", "Delete " + id2}},
		{name: "notebook new", args: []string{"notebook", "new", "Work"}, env: pwEnv, wantOut: nb1 + "\n",
			wantCalls: []string{"Unlock pw", `CreateNotebook "Work" ""`}},
		{name: "notebook new with parent", args: []string{"notebook", "new", "Sub", "--parent", nb1}, env: pwEnv, wantOut: nb1 + "\n",
			wantCalls: []string{"Unlock pw", `CreateNotebook "Sub" "` + nb1 + `"`}},
		{name: "notebook new bad parent", args: []string{"notebook", "new", "Sub", "--parent", "work"}, env: pwEnv, fails: true, usage: true},
		{name: "notebook ls", args: []string{"notebook", "ls"}, env: pwEnv, wantOut: nb1 + "\tWork\n" + nb2 + "\tWork/P x\n",
			wantCalls: []string{"Unlock pw", "Notebooks"}},
		{name: "notebook mv to root", args: []string{"notebook", "mv", nb2, "--parent", "root"}, env: pwEnv,
			wantCalls: []string{"Unlock pw", "MoveNotebook " + nb2 + ` ""`}},
		{name: "notebook mv needs parent", args: []string{"notebook", "mv", nb2}, env: pwEnv, fails: true, usage: true},
		{name: "notebook rm", args: []string{"notebook", "rm", nb2}, env: pwEnv, wantCalls: []string{"Unlock pw", "DeleteNotebook " + nb2 + " false"}},
		{name: "notebook rm --trash-notes", args: []string{"notebook", "rm", "--trash-notes", nb2}, env: pwEnv,
			wantCalls: []string{"Unlock pw", "DeleteNotebook " + nb2 + " true"}},
		{name: "notebook unknown", args: []string{"notebook", "cp"}, env: pwEnv, fails: true, usage: true},
		{name: "mv note", args: []string{"mv", id1, nb1}, env: pwEnv, wantCalls: []string{"Unlock pw", "MoveNote " + id1 + ` "` + nb1 + `"`}},
		{name: "mv note to root", args: []string{"mv", id1, "root"}, env: pwEnv, wantCalls: []string{"Unlock pw", "MoveNote " + id1 + ` ""`}},
		{name: "mv needs two", args: []string{"mv", id1}, env: pwEnv, fails: true, usage: true},
		{name: "history", args: []string{"history", id1}, env: pwEnv,
			wantOut: "2\t2025-03-01T11:00:00Z\n1\t2025-03-01T10:00:00Z\n", wantCalls: []string{"Unlock pw", "History " + id1}},
		{name: "show --rev", args: []string{"show", id1, "--rev", "1"}, env: pwEnv, wantOut: "old body",
			wantCalls: []string{"Unlock pw", "RevisionNote " + id1 + " 1"}},
		{name: "show --rev bad", args: []string{"show", id1, "--rev", "x"}, env: pwEnv, fails: true, usage: true},
		{name: "restore", args: []string{"restore", id1, "2"}, env: pwEnv, wantCalls: []string{"Unlock pw", "Restore " + id1 + " 2"}},
		{name: "restore rev 0", args: []string{"restore", id1, "0"}, env: pwEnv, fails: true, usage: true},
		{name: "untrash", args: []string{"untrash", id2}, env: pwEnv, wantCalls: []string{"Unlock pw", "Untrash " + id2}},
		{name: "untrash needs an id", args: []string{"untrash"}, env: pwEnv, fails: true, usage: true},
		{name: "trash lists", args: []string{"trash"}, env: pwEnv, setup: func(f *fakeCore) {
			twoNotes(f)
			f.notes[id2].TrashedAt = time.Date(2025, 3, 3, 10, 0, 0, 0, time.FixedZone("X", 3600))
		}, wantOut: id2 + "\ttab here newline\t2025-03-03T09:00:00Z\n", wantCalls: []string{"Unlock pw", "TrashList"}},
		{name: "empty-trash --yes", args: []string{"empty-trash", "--yes"}, env: pwEnv, setup: trashedNote,
			wantCalls: []string{"Unlock pw", "TrashList", "EmptyTrash"}},
		{name: "empty-trash asks and is told yes", args: []string{"empty-trash"}, env: pwEnv, setup: trashedNote,
			term: &fakeTerm{confirm: true}, wantCalls: []string{"Unlock pw", "TrashList", "EmptyTrash"}},
		{name: "empty-trash asks and is told no", args: []string{"empty-trash"}, env: pwEnv, setup: trashedNote,
			term: &fakeTerm{confirm: false}, fails: true, wantErr: "not emptied", wantCalls: []string{"Unlock pw", "TrashList"}},
		{name: "empty-trash without a terminal needs --yes", args: []string{"empty-trash"}, env: pwEnv, setup: trashedNote,
			fails: true, wantErr: "add --yes", wantCalls: []string{"Unlock pw", "TrashList"}},
		{name: "empty-trash of an empty trash", args: []string{"empty-trash"}, env: pwEnv, wantCalls: []string{"Unlock pw", "TrashList"}},
		{name: "trash-days prints", args: []string{"trash-days"}, env: pwEnv, wantOut: "30\n", wantCalls: []string{"Unlock pw", "TrashDays"}},
		{name: "trash-days sets", args: []string{"trash-days", "7"}, env: pwEnv, wantCalls: []string{"Unlock pw", "SetTrashDays 7"}},
		{name: "trash-days out of range", args: []string{"trash-days", "0"}, env: pwEnv, fails: true, usage: true},
		{name: "trash-days not a number", args: []string{"trash-days", "week"}, env: pwEnv, fails: true, usage: true},
		{name: "search", args: []string{"search", "eggs"}, env: pwEnv, setup: twoNotes,
			wantOut: id1 + "\tgroceries\t2025-03-01T09:00:00Z\t\n", wantCalls: []string{"Unlock pw", `Search "eggs"`}},
		{name: "search joins words", args: []string{"search", "milk", "eggs"}, env: pwEnv, setup: twoNotes,
			wantOut: "", wantCalls: []string{"Unlock pw", `Search "milk eggs"`}},
		{name: "search query after --", args: []string{"search", "--", "-x"}, env: pwEnv,
			wantOut: "", wantCalls: []string{"Unlock pw", `Search "-x"`}},
		{name: "sync", args: []string{"sync"}, env: pwEnv, setup: func(f *fakeCore) { f.report = core.SyncReport{Pushed: 2, Pulled: 3, Merged: 1} },
			wantOut: "pushed 2, pulled 3, merged 1, conflicts 0\n", wantCalls: []string{"Unlock pw", "Sync"}},
		{name: "sync with conflicts", args: []string{"sync"}, env: pwEnv, setup: func(f *fakeCore) { f.report = core.SyncReport{Conflicts: 1} },
			wantOut: "pushed 0, pulled 0, merged 0, conflicts 1\n", wantErr: "conflicted copy", wantCalls: []string{"Unlock pw", "Sync"}},
		{name: "sync after compaction", args: []string{"sync"}, env: pwEnv, setup: func(f *fakeCore) { f.report = core.SyncReport{Pulled: 4, Resynced: true, Removed: 2, Rescued: 1} },
			wantOut: "pushed 0, pulled 4, merged 0, conflicts 0\n", wantErr: "2 notes deleted on other devices were removed here, 1 edits", wantCalls: []string{"Unlock pw", "Sync"}},
		{name: "sync offline", args: []string{"sync"}, env: pwEnv, setup: func(f *fakeCore) { f.fail["Sync"] = core.ErrOffline },
			fails: true, wantErr: core.Words(core.ErrOffline), wantCalls: []string{"Unlock pw", "Sync"}},

		// Unlocking.
		{name: "wrong password", args: []string{"list"}, env: map[string]string{EnvPassword: "nope"},
			fails: true, wantErr: core.Words(core.ErrWrongPassword), wantCalls: []string{"Unlock nope"}},
		{name: "password prompt", args: []string{"list"}, term: &fakeTerm{secrets: []string{"pw"}},
			wantCalls: []string{"Unlock pw", "List"}},
		{name: "no password, no terminal", args: []string{"list"},
			fails: true, wantErr: EnvPassword + " is not set"},
		{name: "remembered device", args: []string{"list"}, setup: func(f *fakeCore) { f.remembered = true },
			wantCalls: []string{"UnlockWithDevice", "List"}},
		{name: "env password wins over device", args: []string{"list"}, env: pwEnv, setup: func(f *fakeCore) { f.remembered = true },
			wantCalls: []string{"Unlock pw", "List"}},
		{name: "no account", args: []string{"list"}, env: pwEnv, setup: func(f *fakeCore) { f.account = false },
			fails: true, wantErr: core.Words(core.ErrNoAccount)},

		// Account.
		{name: "register with matching pin", args: []string{"register", "--server", "https://h:1", "--user", "ann", "--pin", fp}, env: pwEnv,
			setup: func(f *fakeCore) { f.server.Fingerprint = fp }, wantOut: "RK-1234-5678\n", wantErr: "shown only this once",
			wantCalls: []string{"ProbeServer https://h:1", `Register https://h:1 ann "` + fp + `" pw`}},
		{name: "register public server needs no pin", args: []string{"register", "--server", "https://h", "--user", "ann"}, env: pwEnv,
			setup: func(f *fakeCore) { f.server = core.ServerInfo{Fingerprint: fp, PublicTrusted: true} }, wantOut: "RK-1234-5678\n",
			wantCalls: []string{"ProbeServer https://h", `Register https://h ann "" pw`}},
		{name: "register self-signed without pin refused", args: []string{"register", "--server", "https://h", "--user", "ann"}, env: pwEnv,
			setup: func(f *fakeCore) { f.server.Fingerprint = fp }, fails: true, wantErr: "--pin " + fp,
			wantCalls: []string{"ProbeServer https://h"}},
		{name: "register self-signed confirmed", args: []string{"register", "--server", "https://h", "--user", "ann"}, env: pwEnv,
			term: &fakeTerm{confirm: true}, setup: func(f *fakeCore) { f.server.Fingerprint = fp }, wantOut: "RK-1234-5678\n", wantErr: fp,
			wantCalls: []string{"ProbeServer https://h", `Register https://h ann "` + fp + `" pw`}},
		{name: "register self-signed declined", args: []string{"register", "--server", "https://h", "--user", "ann"}, env: pwEnv,
			term: &fakeTerm{confirm: false}, setup: func(f *fakeCore) { f.server.Fingerprint = fp }, fails: true, wantErr: "not trusted",
			wantCalls: []string{"ProbeServer https://h"}},
		{name: "register pin mismatch", args: []string{"register", "--server", "https://h", "--user", "ann", "--pin", fp2}, env: pwEnv,
			setup: func(f *fakeCore) { f.server.Fingerprint = fp }, fails: true, wantErr: "fingerprint is " + fp,
			wantCalls: []string{"ProbeServer https://h"}},
		{name: "register password typed twice", args: []string{"register", "--server", "https://h", "--user", "ann", "--pin", fp},
			term: &fakeTerm{secrets: []string{"s3cret", "s3cret"}}, setup: func(f *fakeCore) { f.server.Fingerprint = fp }, wantOut: "RK-1234-5678\n",
			wantCalls: []string{"ProbeServer https://h", `Register https://h ann "` + fp + `" s3cret`}},
		{name: "register passwords differ", args: []string{"register", "--server", "https://h", "--user", "ann", "--pin", fp},
			term: &fakeTerm{secrets: []string{"s3cret", "other"}}, setup: func(f *fakeCore) { f.server.Fingerprint = fp }, fails: true, wantErr: "differ",
			wantCalls: []string{"ProbeServer https://h"}},
		{name: "register name taken", args: []string{"register", "--server", "https://h", "--user", "ann", "--pin", fp}, env: pwEnv,
			setup: func(f *fakeCore) {
				f.server.Fingerprint = fp
				f.fail["Register"] = &protocol.APIError{Status: 409, Code: protocol.CodeUsernameTaken, Msg: "taken"}
			}, fails: true, wantErr: "username is taken",
			wantCalls: []string{"ProbeServer https://h", `Register https://h ann "` + fp + `" pw`}},
		{name: "login", args: []string{"login", "--server", "https://h", "--user", "ann", "--pin", fp}, env: pwEnv,
			setup:     func(f *fakeCore) { f.account = false; f.server.Fingerprint = fp },
			wantCalls: []string{"ProbeServer https://h", `Login https://h ann "` + fp + `" pw`}},
		{name: "login certificate changed", args: []string{"login", "--server", "https://h", "--user", "ann", "--pin", fp}, env: pwEnv,
			setup: func(f *fakeCore) { f.server.Fingerprint = fp; f.fail["Login"] = core.ErrCertificateChanged },
			fails: true, wantErr: core.Words(core.ErrCertificateChanged), wantCalls: []string{"ProbeServer https://h", `Login https://h ann "` + fp + `" pw`}},
		{name: "recover", args: []string{"recover", "--server", "https://h", "--user", "ann", "--pin", fp},
			env:   map[string]string{EnvRecoveryKey: "RK-1", EnvNewPassword: "npw"},
			setup: func(f *fakeCore) { f.account = false; f.server.Fingerprint = fp }, wantErr: "sign in again",
			wantCalls: []string{"ProbeServer https://h", `Recover https://h ann "` + fp + `" RK-1 npw`}},
		{name: "recover prompts", args: []string{"recover", "--server", "https://h", "--user", "ann", "--pin", fp},
			term:      &fakeTerm{secrets: []string{"RK-2", "n", "n"}},
			setup:     func(f *fakeCore) { f.server.Fingerprint = fp },
			wantCalls: []string{"ProbeServer https://h", `Recover https://h ann "` + fp + `" RK-2 n`}},
		{name: "passwd", args: []string{"passwd"}, env: map[string]string{EnvPassword: "pw", EnvNewPassword: "npw"}, wantErr: "Password changed",
			wantCalls: []string{"Unlock pw", "ChangePassword pw npw"}},
		{name: "passwd wrong old", args: []string{"passwd"}, env: map[string]string{EnvPassword: "x", EnvNewPassword: "npw"},
			fails: true, wantErr: core.Words(core.ErrWrongPassword), wantCalls: []string{"Unlock x"}},
		{name: "recovery-key", args: []string{"recovery-key"}, env: pwEnv, wantOut: "AAAAA-BBBBB\n", wantErr: "opens nothing written from now on",
			wantCalls: []string{"Unlock pw", "NewRecoveryKey pw"}},
		{name: "recovery-key wrong password", args: []string{"recovery-key"}, env: map[string]string{EnvPassword: "x"},
			fails: true, wantErr: core.Words(core.ErrWrongPassword), wantCalls: []string{"Unlock x"}},
		{name: "rotate-key", args: []string{"rotate-key"}, env: pwEnv, wantErr: "rotated", wantCalls: []string{"Unlock pw", "RotateKey"}},
		{name: "sessions", args: []string{"sessions"}, env: pwEnv,
			setup: func(f *fakeCore) {
				f.sessions = []protocol.Session{
					{ID: "s1", DeviceName: "laptop", LastSeen: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Current: true},
					{ID: "s2", DeviceName: "phone\tx"},
				}
			},
			wantOut: "s1\tlaptop\t2025-01-02T03:04:05Z\tcurrent\ns2\tphone x\t\n", wantCalls: []string{"Unlock pw", "Sessions"}},
		{name: "sessions revoke", args: []string{"sessions", "--revoke", "s2"}, env: pwEnv, wantCalls: []string{"Unlock pw", "RevokeSession s2"}},
		{name: "sessions revoke others", args: []string{"sessions", "--revoke-others"}, env: pwEnv, wantCalls: []string{"Unlock pw", "RevokeOtherSessions"}},
		{name: "logout", args: []string{"logout"}, wantCalls: []string{"Logout"}},
		{name: "logout with pending refused", args: []string{"logout"}, setup: func(f *fakeCore) { f.pending = 2 },
			fails: true, wantErr: "2 local change(s)"},
		{name: "logout --force", args: []string{"logout", "--force"}, setup: func(f *fakeCore) { f.pending = 2 }, wantCalls: []string{"Logout"}},

		// Backup.
		{name: "export encrypted", args: []string{"export", "--out", "/tmp/b.clb"}, env: pwEnv,
			wantCalls: []string{"Unlock pw", "ExportEncrypted /tmp/b.clb"}},
		{name: "export plain warns", args: []string{"export", "--out", "/tmp/md", "--plain"}, env: pwEnv, wantErr: "UNENCRYPTED",
			wantCalls: []string{"Unlock pw", "ExportMarkdown /tmp/md"}},
		{name: "import", args: []string{"import", "/tmp/b.clb"}, env: pwEnv, wantOut: "imported 3 notes\n",
			wantCalls: []string{"Unlock pw", "Import /tmp/b.clb pw"}},

		// Command-line mistakes.
		{name: "no command", args: nil, fails: true, usage: true, wantErr: "no command"},
		{name: "unknown command", args: []string{"frobnicate"}, fails: true, usage: true, wantErr: `unknown command "frobnicate"`},
		{name: "unknown flag", args: []string{"list", "--long"}, env: pwEnv, fails: true, usage: true, wantErr: "flag provided but not defined: -long"},
		{name: "show without id", args: []string{"show"}, env: pwEnv, fails: true, usage: true, wantErr: "show needs a note ID"},
		{name: "show bad id", args: []string{"show", "../x"}, env: pwEnv, fails: true, usage: true, wantErr: "not a note ID"},
		{name: "rm two ids", args: []string{"rm", id1, id2}, env: pwEnv, fails: true, usage: true, wantErr: "rm needs a note ID"},
		{name: "list with args", args: []string{"list", "x"}, env: pwEnv, fails: true, usage: true, wantErr: "list takes no arguments"},
		{name: "search without query", args: []string{"search"}, env: pwEnv, fails: true, usage: true, wantErr: "search needs a QUERY"},
		{name: "register without user", args: []string{"register", "--server", "https://h"}, fails: true, usage: true, wantErr: "--user NAME"},
		{name: "export without out", args: []string{"export"}, env: pwEnv, fails: true, usage: true, wantErr: "--out PATH"},
		{name: "sessions both flags", args: []string{"sessions", "--revoke", "s", "--revoke-others"}, fails: true, usage: true, wantErr: "exclude"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			if tt.setup != nil {
				tt.setup(f)
			}
			var term terminal
			if tt.term != nil {
				term = tt.term
			}
			out, errOut, err, _ := run(t, f, tt.env, tt.stdin, term, append([]string{"--profile", "/prof"}, tt.args...)...)
			if (err != nil) != tt.fails {
				t.Fatalf("err = %v, want failure %v (stderr %q)", err, tt.fails, errOut)
			}
			if out != tt.wantOut {
				t.Errorf("stdout = %q, want %q", out, tt.wantOut)
			}
			if tt.fails {
				// Prompts of an interactive session come before the one error line.
				last := errOut
				if tt.term != nil {
					lines := strings.SplitAfter(strings.TrimSuffix(errOut, "\n"), "\n")
					last = lines[len(lines)-1] + "\n"
				}
				if strings.Count(last, "\n") != 1 || !strings.HasSuffix(last, "\n") || !strings.HasPrefix(last, "cipherleaf-cli: ") {
					t.Errorf("stderr = %q, want exactly one error line", errOut)
				}
				if IsUsage(err) != tt.usage {
					t.Errorf("IsUsage(%v) = %v, want %v", err, IsUsage(err), tt.usage)
				}
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", errOut, tt.wantErr)
			}
			if !reflect.DeepEqual(f.calls, tt.wantCalls) {
				t.Errorf("core calls = %q, want %q", f.calls, tt.wantCalls)
			}
			if len(tt.args) > 0 && tt.args[0] != "frobnicate" && !f.closed && f.calls != nil {
				t.Errorf("core not closed")
			}
		})
	}
}

func TestProfile(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"flag", []string{"--profile", "/p/one", "list"}, pwEnv, "/p/one"},
		{"flag with =", []string{"--profile=/p/two", "list"}, pwEnv, "/p/two"},
		{"XDG", []string{"list"}, map[string]string{EnvPassword: "pw", "XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/x/cipherleaf"},
		{"HOME", []string{"list"}, map[string]string{EnvPassword: "pw", "HOME": "/h"}, "/h/.config/cipherleaf"},
		{"relative XDG ignored", []string{"list"}, map[string]string{EnvPassword: "pw", "XDG_CONFIG_HOME": "rel", "HOME": "/h"}, "/h/.config/cipherleaf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, err, opened := run(t, newFake(), tt.env, "", nil, tt.args...)
			if err != nil {
				t.Fatalf("err = %v (%s)", err, errOut)
			}
			if opened != tt.want {
				t.Errorf("opened profile %q, want %q", opened, tt.want)
			}
		})
	}
	if _, errOut, err, _ := run(t, newFake(), pwEnv, "", nil, "list"); err == nil || !strings.Contains(errOut, "--profile") {
		t.Errorf("without HOME: err = %v, stderr %q; want a hint to pass --profile", err, errOut)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		out, errOut, err, opened := run(t, newFake(), nil, "", nil, args...)
		if err != nil || errOut != "" {
			t.Fatalf("%v: err = %v, stderr %q", args, err, errOut)
		}
		if opened != "" {
			t.Errorf("%v opened the profile %q", args, opened)
		}
		for _, cmd := range []string{"register", "login", "new", "list", "show", "edit", "rm", "search", "sync", "passwd", "recover", "recovery-key", "rotate-key", "sessions", "logout", "export", "import"} {
			if !strings.Contains(out, "\n  "+cmd+" ") {
				t.Errorf("%v: help does not list %q", args, cmd)
			}
		}
	}
}

func TestRunWithoutTerminal(t *testing.T) {
	// Run (not app.main) with a non-terminal stdin must never prompt.
	var out, errb bytes.Buffer
	f := newFake()
	err := Run(context.Background(), []string{"--profile", "/prof", "list"}, func(string) string { return "" }, strings.NewReader(""), &out, &errb,
		func(string) (Core, error) { return f, nil })
	if err == nil || !strings.Contains(errb.String(), EnvPassword) {
		t.Fatalf("Run(list) without password: err = %v, stderr %q", err, errb.String())
	}
}

//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/testserver"
	"cipherleaf.dev/client/internal/xvfb"
	"cipherleaf.dev/client/keystore"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
)

// The real app, driven through X11 the way a person drives it: the test
// builds cipherleaf, runs it on a virtual screen (Xvfb), types with
// xdotool and sends a signal while the app is busy. It reads what the app
// shows from the window title, which names the screen and follows the open
// note's title as it is typed (ui/wintitle.go): a title on screen proves
// the keystrokes before it were handled.

const appPassword = "correct horse battery staple"

var serverBin string

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(testserver.RunTests(m, &serverBin))
}

// TestAppSignals: SIGTERM or SIGINT while the user is typing, and while a
// sync waits on a server that accepted the connection and never answers.
// The app exits cleanly within 2 s, and every keystroke that was on screen
// is in the vault.
func TestAppSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the app and runs it under Xvfb against cipherleafd")
	}
	for _, tool := range []string{"Xvfb", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to drive the app (make setup installs it): %v", tool, err)
		}
	}
	bin := buildApp(t)
	display := startXvfb(t)
	srv := testserver.Start(t, serverBin, "--bcrypt-cost", "4")

	tests := []struct {
		name      string
		sig       syscall.Signal
		blackHole bool // the server accepts connections and never answers
	}{
		{"SIGTERM while typing", syscall.SIGTERM, false},
		{"SIGINT while typing", syscall.SIGINT, false},
		{"SIGTERM mid-sync, server never answers", syscall.SIGTERM, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := newProfile(t, srv, fmt.Sprintf("sig%d", i))
			var accepted <-chan struct{}
			if tt.blackHole {
				var hole string
				hole, accepted = testserver.BlackHole(t)
				setServer(t, dir, "https://"+hole)
			}
			a := startApp(t, bin, display, dir)

			a.waitTitle("Locked — Cipherleaf")
			a.unlock()
			if tt.blackHole {
				select { // the sync on unlock reached the server
				case <-accepted:
				case <-time.After(30 * time.Second):
					t.Fatal("the app never connected to the server")
				}
			}

			// A new note, its title typed.
			a.xdotool("key", "ctrl+n")
			a.waitTitle("Untitled — Cipherleaf")
			a.typeTitle("Typed title")
			if tt.blackHole {
				a.xdotool("key", "ctrl+s") // "Sync now" joins the sync that hangs
			}

			// Keep typing, and send the signal halfway.
			const more = " and more words typed while the signal comes"
			typing := exec.Command("xdotool", "type", "--delay", "40", more)
			typing.Env = a.cmd.Env
			if err := typing.Start(); err != nil {
				t.Fatal(err)
			}
			defer typing.Wait()
			seen := a.waitTitleFunc(func(s string) bool {
				s, ok := strings.CutSuffix(s, " — Cipherleaf")
				return ok && strings.HasPrefix(s, "Typed title") && len(s) > len("Typed title")
			})
			onScreen := strings.TrimSuffix(seen, " — Cipherleaf")
			sent := time.Now()
			if err := a.cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			select {
			case <-a.exited:
				err := a.err
				took := time.Since(sent)
				t.Logf("%v: exited (%v) %v after the signal", tt.sig, err, took.Round(time.Millisecond))
				if took > 2*time.Second {
					t.Errorf("the app took %v to exit after %v, want at most 2 s", took, tt.sig)
				}
				if err != nil {
					t.Errorf("the app exited with %v, want a clean exit (exit 1 means the 1.8 s deadline forced it)\n%s", err, a.stderr())
				}
			case <-time.After(10 * time.Second):
				a.cmd.Process.Kill()
				t.Fatalf("the app still runs 10 s after %v\n%s", tt.sig, a.stderr())
			}
			typing.Process.Kill()

			// What was on screen is in the vault.
			n := findNote(t, dir, "Typed title")
			if !strings.HasPrefix(n.Title, onScreen) {
				t.Errorf("title in the vault = %q; on screen at the signal it was %q\napp output:\n%s", n.Title, onScreen, a.stderr())
			}
		})
	}
}

// appBuild is cipherleaf, built once for the package's tests (each link of
// the app takes seconds) into a folder removed when they end.
var appBuild struct {
	once sync.Once
	bin  string
	err  error
}

// buildApp compiles cipherleaf (the first call) and returns its path.
func buildApp(t *testing.T) string {
	t.Helper()
	appBuild.once.Do(func() {
		dir, err := os.MkdirTemp("", "cipherleaf-app")
		if err != nil {
			appBuild.err = err
			return
		}
		testserver.AtExit(func() { os.RemoveAll(dir) })
		bin := filepath.Join(dir, "cipherleaf")
		if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
			appBuild.err = fmt.Errorf("build cipherleaf: %v\n%s", err, out)
			return
		}
		appBuild.bin = bin
	})
	if appBuild.err != nil {
		t.Fatal(appBuild.err)
	}
	return appBuild.bin
}

// xvfbAlive says whether the test's Xvfb still runs (for failure messages).
var xvfbAlive = func() string { return "no Xvfb started" }

// startXvfb starts a virtual screen and returns its DISPLAY.
func startXvfb(t *testing.T) string {
	s := xvfb.Start(t, "1280x800x24")
	xvfbAlive = s.Alive
	return s.Display
}

// cheapParams are the cheapest KDF parameters the app and the server accept.
func cheapParams() (cryptobox.Params, error) {
	p, err := cryptobox.NewParams()
	p.Time, p.Memory, p.Threads = 2, 19456, 1
	return p, err
}

// newProfile registers user on srv in a new profile with one synced note,
// "kept".
func newProfile(t *testing.T, srv *testserver.Server, user string) string {
	t.Helper()
	dir := t.TempDir()
	c, err := core.Open(core.Config{ProfileDir: dir, NewParams: cheapParams, Keyring: keystore.None{}, DeviceName: "signal test"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if _, err := c.Register(ctx, core.RegisterInput{ServerURL: srv.URL, Pin: srv.Fingerprint, Username: user, Password: []byte(appPassword)}); err != nil {
		t.Fatalf("register: %v", err)
	}
	if _, err := c.Create(&note.Note{Title: "kept", Body: "written before"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	return dir
}

// setServer points the profile at another server address (same pin).
func setServer(t *testing.T, dir, url string) {
	t.Helper()
	ctx := context.Background()
	v, err := vault.Open(ctx, filepath.Join(dir, vault.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.UpdateAccount(ctx, func(a *vault.Account) error { a.ServerURL = url; return nil }); err != nil {
		t.Fatal(err)
	}
}

// findNote unlocks the profile and returns the note whose title starts
// with prefix.
func findNote(t *testing.T, dir, prefix string) *note.Note {
	t.Helper()
	c, err := core.Open(core.Config{ProfileDir: dir, Keyring: keystore.None{}})
	if err != nil {
		t.Fatalf("open the profile after the app: %v", err)
	}
	defer c.Close()
	if err := c.Unlock([]byte(appPassword)); err != nil {
		t.Fatalf("unlock after the app: %v", err)
	}
	var titles []string
	for _, info := range c.List() {
		n, err := c.Get(info.ID)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(n.Title, prefix) {
			return n
		}
		titles = append(titles, n.Title)
	}
	t.Fatalf("no note titled %q… in the vault; it holds %q", prefix, titles)
	return nil
}

// appProc is one running cipherleaf.
type appProc struct {
	t      *testing.T
	cmd    *exec.Cmd
	out    *lockedBuffer
	exited chan struct{} // closed when the process has exited
	err    error         // how it exited, once exited is closed
	wid    string
	last   string // the last title seen
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startApp runs the app on display with profile dir, in an environment of
// its own: a fresh HOME (Fyne's preferences) and no session bus (no Secret
// Service: tokens stay in the vault file).
func startApp(t *testing.T, bin, display, dir string) *appProc {
	t.Helper()
	return startAppHome(t, bin, display, dir, t.TempDir())
}

// startAppHome is startApp with HOME set to home (which may hold Fyne
// preferences).
func startAppHome(t *testing.T, bin, display, dir, home string) *appProc {
	t.Helper()
	cmd := exec.Command(bin, "--profile", dir)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "DISPLAY=" + display,
		"TMPDIR=" + os.TempDir(), "LANG=C.UTF-8", "CIPHERLEAF_SIZE=1024x700"}
	a := &appProc{t: t, cmd: cmd, out: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = a.out, a.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the app: %v", err)
	}
	go func() { a.err = cmd.Wait(); close(a.exited) }()
	t.Cleanup(func() {
		select {
		case <-a.exited:
		default:
			cmd.Process.Kill()
			<-a.exited
		}
	})
	return a
}

func (a *appProc) stderr() string { return a.out.String() }

// xdotool runs xdotool against the app's display.
func (a *appProc) xdotool(args ...string) string {
	a.t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = a.cmd.Env
	out, err := cmd.CombinedOutput()
	if err != nil {
		a.t.Fatalf("xdotool %s: %v\n%s\napp output:\n%s", strings.Join(args, " "), err, out, a.stderr())
	}
	return strings.TrimSpace(string(out))
}

// unlock types the password on the lock screen and waits for the notes
// screen with the newest note, "kept", open. A window that has just
// appeared may drop the first keys (it is mapped before it takes input, and
// nothing outside says when it does): when the screen stays locked, the
// field is cleared and the password typed again, up to three times.
func (a *appProc) unlock() {
	a.t.Helper()
	const unlocked = "kept — Cipherleaf"
	for try := 1; ; try++ {
		a.xdotool("key", "ctrl+a", "BackSpace")
		a.xdotool("type", "--delay", "40", appPassword)
		a.xdotool("key", "Return")
		if a.waitTitleFor(15*time.Second, func(s string) bool { return s == unlocked }) != "" {
			return
		}
		if try == 3 {
			a.t.Fatalf("still locked after typing the password %d times\n%s", try, a.stderr())
		}
		a.t.Logf("still locked after typing the password (try %d); typing it again", try)
	}
}

// typeTitle types title into the focused, empty note title and waits for
// the window to show it. X drops a key now and then on a loaded machine
// (seen: "Type" for "Typed"); the title is then selected and typed again,
// up to three times.
func (a *appProc) typeTitle(title string) {
	a.t.Helper()
	want := title + " — Cipherleaf"
	for try := 1; ; try++ {
		a.xdotool("type", "--delay", "40", title)
		if a.waitTitleFor(10*time.Second, func(s string) bool { return s == want }) != "" {
			return
		}
		if try == 3 {
			a.t.Fatalf("the title never showed %q after typing it %d times; last %q\n%s", title, try, a.last, a.stderr())
		}
		a.t.Logf("the window shows %q after typing %q (try %d); typing it again", a.last, title, try)
		a.xdotool("key", "ctrl+a", "BackSpace")
	}
}

// waitTitle waits until the app's window has title want.
func (a *appProc) waitTitle(want string) {
	a.t.Helper()
	a.waitTitleFunc(func(s string) bool { return s == want })
}

// waitTitleFunc polls the window title (xdotool has no way to wait for a
// title change) until ok accepts it, and returns it. The first call finds
// the window and gives it the keyboard focus.
func (a *appProc) waitTitleFunc(ok func(string) bool) string {
	a.t.Helper()
	if t := a.waitTitleFor(60*time.Second, ok); t != "" {
		return t
	}
	a.t.Fatalf("the window title never became what the test waited for; last %q\napp output:\n%s", a.last, a.stderr())
	return ""
}

// waitTitleFor is waitTitleFunc giving up after d: it returns "" then.
func (a *appProc) waitTitleFor(d time.Duration, ok func(string) bool) string {
	a.t.Helper()
	deadline := time.Now().Add(d)
	last := ""
	for time.Now().Before(deadline) {
		select {
		case <-a.exited:
			a.t.Fatalf("the app exited (%v) while the test waited for its window; last title %q (%s)\n%s", a.err, last, xvfbAlive(), a.stderr())
		default:
		}
		if a.wid == "" {
			cmd := exec.Command("xdotool", "search", "--onlyvisible", "--name", "Cipherleaf")
			cmd.Env = a.cmd.Env
			if out, err := cmd.Output(); err == nil {
				a.wid = strings.Fields(string(out))[0]
				a.xdotool("windowmove", a.wid, "0", "0")
				a.xdotool("windowfocus", "--sync", a.wid)
			}
		}
		if a.wid != "" {
			cmd := exec.Command("xdotool", "getwindowname", a.wid)
			cmd.Env = a.cmd.Env
			out, err := cmd.Output()
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				a.t.Fatal(err)
			}
			last = strings.TrimSpace(string(out))
			if ok(last) {
				return last
			}
		}
		time.Sleep(20 * time.Millisecond) // polling: X11 has no title-change wait in xdotool
	}
	a.last = last
	return ""
}

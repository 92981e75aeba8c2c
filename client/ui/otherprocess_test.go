package ui

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
)

// profileCore opens a real core on dir, looking for other processes'
// commits every 10 ms.
func profileCore(t *testing.T, srv *fakeremote.Server, dir string) *core.Core {
	t.Helper()
	c, err := core.Open(core.Config{
		ProfileDir: dir,
		Policy:     cryptobox.InsecureTestPolicy,
		NewParams: func() (cryptobox.Params, error) {
			salt := make([]byte, cryptobox.SaltSize)
			rand.Read(salt)
			return cryptobox.Params{Time: 1, Memory: 8, Threads: 1, Salt: salt}, nil
		},
		DeviceName: "test",
		Dial:       func(rc core.RemoteConfig) (core.Remote, error) { return srv.Dial(rc), nil },
		Probe:      func(context.Context, string) (string, bool, error) { return srv.Fingerprint, false, nil },
		WatchEvery: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// until runs the UI work the core's events post until ok holds, or fails
// the test after 10 s.
func (h *harness) until(what string, ok func() bool) {
	h.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		h.wait()
		if ok() {
			return
		}
		select {
		case <-h.ready:
		case <-time.After(20 * time.Millisecond): // the event may not be posted yet
		case <-deadline:
			h.t.Fatalf("%s: not within 10 s", what)
		}
	}
}

// TestAppFollowsAnotherProcess: the app (real core) and cipherleaf-cli
// (a second real core on the same profile folder). What the CLI writes
// shows in the app's list and open note without a sync; a note the person
// is typing in keeps their text on screen.
func TestAppFollowsAnotherProcess(t *testing.T) {
	srv := fakeremote.New()
	dir := t.TempDir()
	app := profileCore(t, srv, dir)
	if _, err := app.Register(context.Background(), core.RegisterInput{ServerURL: "https://cipherleaf.test", Pin: srv.Fingerprint, Username: "alice", Password: []byte("pw")}); err != nil {
		t.Fatal(err)
	}
	id, err := app.Create(&note.Note{Title: "Groceries", Body: "milk"})
	if err != nil {
		t.Fatal(err)
	}
	cli := profileCore(t, srv, dir)
	if err := cli.Unlock([]byte("pw")); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, app, Options{SyncEvery: time.Hour})
	m := h.u.main
	if m == nil || m.editor.id != id || m.editor.body.Text != "milk" {
		t.Fatalf("the app does not show the note open")
	}

	// Idle: the open note follows the CLI's edit; its new note is listed.
	n, _ := cli.Get(id)
	n.Body = "milk and eggs"
	if err := cli.Update(id, n); err != nil {
		t.Fatal(err)
	}
	h.until("the CLI's edit in the open note", func() bool { return m.editor.body.Text == "milk and eggs" })
	other, err := cli.Create(&note.Note{Title: "From the terminal", Body: "x"})
	if err != nil {
		t.Fatal(err)
	}
	h.until("the CLI's new note in the list", func() bool {
		for _, it := range m.list.model.items {
			if it.ID == other {
				return true
			}
		}
		return false
	})

	// Typing: the CLI's edit of the same note arrives (the list shows its
	// title) and the person's unsaved text stays in the editor.
	m.list.selectID(id)
	h.wait()
	h.typeInto(m.editor.body, "bread, ")
	typed := m.editor.body.Text
	n, _ = cli.Get(id)
	n.Title = "Groceries (cli)"
	if err := cli.Update(id, n); err != nil {
		t.Fatal(err)
	}
	h.until("the CLI's title in the list", func() bool {
		for _, it := range m.list.model.items {
			if it.ID == id && it.Title == "Groceries (cli)" {
				return true
			}
		}
		return false
	})
	if m.editor.body.Text != typed {
		t.Fatalf("editor body = %q after the CLI's edit, want the typed %q", m.editor.body.Text, typed)
	}
}

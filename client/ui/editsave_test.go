package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/shared/note"
)

// twoOnOneProfile is the app (a real core, shown by a UI) and
// cipherleaf-cli (a second real core) on one profile folder, the app's
// editor open on a note with body.
func twoOnOneProfile(t *testing.T, body string) (h *harness, cli *core.Core, id string) {
	t.Helper()
	srv := fakeremote.New()
	dir := t.TempDir()
	app := profileCore(t, srv, dir)
	if _, err := app.Register(context.Background(), core.RegisterInput{ServerURL: "https://cipherleaf.test", Pin: srv.Fingerprint, Username: "alice", Password: []byte("pw")}); err != nil {
		t.Fatal(err)
	}
	id, err := app.Create(&note.Note{Title: "Plan", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	cli = profileCore(t, srv, dir)
	if err := cli.Unlock([]byte("pw")); err != nil {
		t.Fatal(err)
	}
	h = newHarness(t, app, Options{SyncEvery: time.Hour})
	if m := h.u.main; m == nil || m.editor.id != id || m.editor.body.Text != body {
		t.Fatalf("the app does not show the note open")
	}
	return h, cli, id
}

// cliEdit changes note id's body in the CLI's core and commits it.
func cliEdit(t *testing.T, cli *core.Core, id string, edit func(string) string) {
	t.Helper()
	n, err := cli.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	n.Body = edit(n.Body)
	if err := cli.Update(id, n); err != nil {
		t.Fatal(err)
	}
}

// typeAt types s into the editor's body at row, column.
func (h *harness) typeAt(row, col int, s string) {
	h.t.Helper()
	b := h.u.main.editor.body
	h.canvas().Focus(b)
	b.CursorRow, b.CursorColumn = row, col
	b.Refresh()
	h.typeInto(b, s)
}

const planBody = "line one\nline two\nline three\nline four\n"

// TestAppMergesAnotherProcessEdit: the person types in a note while
// cipherleaf-cli edits another part of it and commits. The CLI's edit
// arriving does not touch the editor; the autosave merges both instead of
// writing over the CLI's edit; the editor then shows the merge with the
// cursor on the same text, and the next keystrokes land there.
func TestAppMergesAnotherProcessEdit(t *testing.T) {
	h, cli, id := twoOnOneProfile(t, planBody)
	m := h.u.main
	h.typeAt(2, 0, "X ")
	typed := m.editor.body.Text
	if typed != "line one\nline two\nX line three\nline four\n" {
		t.Fatalf("typed body = %q", typed)
	}
	cliEdit(t, cli, id, func(b string) string { return "from the cli\n" + b })
	h.until("the app's core has the CLI's edit", func() bool {
		n, err := h.api.Get(id)
		return err == nil && strings.HasPrefix(n.Body, "from the cli\n")
	})
	h.wait()
	if m.editor.body.Text != typed {
		t.Fatalf("the CLI's edit replaced the typing in the editor: %q, want %q", m.editor.body.Text, typed)
	}

	h.advance(defaultAutosaveDelay) // the autosave
	const merged = "from the cli\nline one\nline two\nX line three\nline four\n"
	if m.editor.body.Text != merged {
		t.Fatalf("editor after the autosave = %q, want the merge %q", m.editor.body.Text, merged)
	}
	if b := m.editor.body; b.CursorRow != 3 || b.CursorColumn != 2 {
		t.Errorf("cursor after the merge at %d:%d, want 3:2 (after the typed text)", b.CursorRow, b.CursorColumn)
	}
	test := m.editor.body
	h.typeInto(test, "Y ")
	h.advance(defaultAutosaveDelay)
	const final = "from the cli\nline one\nline two\nX Y line three\nline four\n"
	if m.editor.body.Text != final {
		t.Fatalf("editor after typing on = %q, want %q", m.editor.body.Text, final)
	}
	h.until("the CLI reads both edits from the vault", func() bool {
		n, err := cli.Get(id)
		return err == nil && n.Body == final
	})
	if m.editor.id != id || len(h.api.Conflicts()) != 0 {
		t.Errorf("editor on %s with conflicts %v, want %s and none", m.editor.id, h.api.Conflicts(), id)
	}
}

// TestAppKeepsBothOnOverlappingEdit: the CLI edits the very line the
// person is typing in. The autosave does not write over it: the note keeps
// the CLI's text, the person's goes to a conflicted copy, and the editor
// follows the copy with the person's text and cursor untouched.
func TestAppKeepsBothOnOverlappingEdit(t *testing.T) {
	h, cli, id := twoOnOneProfile(t, planBody)
	m := h.u.main
	h.typeAt(1, 0, "app: ")
	typed := m.editor.body.Text
	cliEdit(t, cli, id, func(b string) string { return strings.Replace(b, "line two", "cli: line two", 1) })
	h.until("the app's core has the CLI's edit", func() bool {
		n, err := h.api.Get(id)
		return err == nil && strings.Contains(n.Body, "cli: line two")
	})
	h.advance(defaultAutosaveDelay)
	h.until("the editor on a conflicted copy", func() bool { return m.editor.id != id })
	if m.editor.body.Text != typed || m.editor.base.ConflictOf != id {
		t.Fatalf("editor on %s (conflict of %q) shows %q, want the typed %q in a copy of %s", m.editor.id, m.editor.base.ConflictOf, m.editor.body.Text, typed, id)
	}
	if b := m.editor.body; b.CursorRow != 1 || b.CursorColumn != 5 {
		t.Errorf("cursor at %d:%d, want 1:5", b.CursorRow, b.CursorColumn)
	}
	if !h.shows("Resolve…") {
		t.Error("no conflict banner")
	}
	// Typing goes on in the copy; the note keeps the CLI's text.
	h.typeInto(m.editor.body, "more ")
	h.advance(defaultAutosaveDelay)
	copyID := m.editor.id
	h.until("the CLI reads both versions from the vault", func() bool {
		n, err1 := cli.Get(id)
		cp, err2 := cli.Get(copyID)
		return err1 == nil && err2 == nil && n.Body == strings.Replace(planBody, "line two", "cli: line two", 1) &&
			cp.Body == strings.Replace(planBody, "line two", "app: more line two", 1) && cp.ConflictOf == id
	})
}

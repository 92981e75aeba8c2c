package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/note"
)

// A sync that turns the open note into a conflict leaves the typed text in
// the editor, saves further typing into the conflicted copy (never over the
// other device's version), and says so.
func TestConflictKeepsTheTextBeingTyped(t *testing.T) {
	h, api, ids := unlocked(t, Options{})
	m := h.u.main
	h.typeInto(m.editor.body, "mine ")
	h.advance(defaultAutosaveDelay) // saved once
	h.typeInto(m.editor.body, "more ")
	typed := m.editor.body.Text
	cursor := m.editor.body.CursorColumn

	// The sync: the other device's version wins the note, ours becomes a copy.
	api.mu.Lock()
	api.notes[ids[0]].Body = "theirs"
	api.mu.Unlock()
	cp := api.add(note.Note{Title: "Groceries", Body: "mine Oat milk, lemons\nand bread", ConflictOf: ids[0], Modified: testNow})
	h.emit(core.Event{Kind: core.EventNotesChanged})

	if m.editor.body.Text != typed || m.editor.body.CursorColumn != cursor {
		t.Fatalf("editor shows %q (cursor %d), want the typed %q (cursor %d)", m.editor.body.Text, m.editor.body.CursorColumn, typed, cursor)
	}
	if m.editor.id != cp {
		t.Fatalf("editor is on %q, want the conflicted copy %q", m.editor.id, cp)
	}
	h.mustShow("was changed on another device while you typed")
	h.mustShow("1 conflict to resolve")
	if st := m.status.text.Text; !strings.Contains(st, "1 conflict to resolve") {
		t.Errorf("status bar %q does not count the conflict", st)
	}

	h.advance(defaultAutosaveDelay)
	orig, _ := api.Get(ids[0])
	if orig.Body != "theirs" {
		t.Errorf("the other device's version was overwritten: %q", orig.Body)
	}
	c, _ := api.Get(cp)
	if c.Body != typed || c.ConflictOf != ids[0] {
		t.Errorf("copy = %q (of %q), want the typed text as a copy of the note", c.Body, c.ConflictOf)
	}
	// Nothing else moves the editor: a later sync without a new copy
	// keeps it where it is.
	h.emit(core.Event{Kind: core.EventNotesChanged})
	if m.editor.id != cp {
		t.Errorf("editor moved to %q", m.editor.id)
	}
}

func TestResolveViewMarksLineDifferences(t *testing.T) {
	api := newFakeAPI().withAccount("pw")
	api.locked = false
	orig := api.add(note.Note{Title: "Plan", Body: "same\nserver line\nend", Modified: testNow.Add(-time.Hour)})
	api.add(note.Note{Title: "Plan", Body: "same\nmy line\nend", ConflictOf: orig, Modified: testNow})
	h := newHarness(t, api, Options{Screen: "resolve"})
	for _, s := range []string{"−  server line", "+  my line", "   same", "− 1 line only in this version", "+ 1 line only in this version"} {
		h.mustShow(s)
	}
	h.tap("Merge by hand…")
	h.mustShow("−  server line")
	h.visit(func(o fyne.CanvasObject) {
		if b := asButton(o); b != nil && b.Text == "" && b.Icon == nil {
			t.Errorf("an empty button is shown in merge mode")
		}
	})
	h.mustNotShow("Keep this version")
}

func TestLineDiff(t *testing.T) {
	cases := []struct {
		a, b        string
		left, right string
	}{
		{"x\ny", "x\ny", " x y", " x y"},
		{"x\ny", "x\nz", " x !y", " x !z"},
		{"", "new", "", " !new"},
		{"a\nb\nc", "a\nc", " a !b c", " a c"},
	}
	show := func(ls []diffLine) string {
		var b strings.Builder
		for _, l := range ls {
			b.WriteString(" ")
			if l.changed {
				b.WriteString("!")
			}
			b.WriteString(l.text)
		}
		return b.String()
	}
	for _, c := range cases {
		l, r := lineDiff(c.a, c.b)
		if show(l) != c.left || show(r) != c.right {
			t.Errorf("lineDiff(%q, %q) = %q / %q, want %q / %q", c.a, c.b, show(l), show(r), c.left, c.right)
		}
	}
}

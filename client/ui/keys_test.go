package ui

import (
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// key presses a key the way the desktop driver delivers it: Tab moves the
// focus unless the focused widget takes tabs; other keys go to the focused
// widget, or to the canvas when nothing has the focus.
func (h *harness) key(name fyne.KeyName) {
	h.t.Helper()
	ev := &fyne.KeyEvent{Name: name}
	f := h.canvas().Focused()
	if name == fyne.KeyTab {
		if tb, ok := f.(fyne.Tabbable); !ok || !tb.AcceptsTab() {
			h.canvas().FocusNext()
			h.wait()
			return
		}
	}
	if f != nil {
		f.TypedKey(ev)
	} else if k := h.canvas().OnTypedKey(); k != nil {
		k(ev)
	}
	h.wait()
}

// focusButton focuses the last visible key-aware button with this text.
func (h *harness) focusButton(text string) {
	h.t.Helper()
	var found *keyButton
	h.visit(func(o fyne.CanvasObject) {
		if b, ok := o.(*keyButton); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		h.t.Fatalf("no key button %q; screen shows %q", text, h.texts())
	}
	h.canvas().Focus(found)
}

func (h *harness) focusedIs(want fyne.Focusable, what string) {
	h.t.Helper()
	if got := h.canvas().Focused(); got != want {
		h.t.Fatalf("focus is on %T, want %s", got, what)
	}
}

func TestTabOrderTitleTagsBodyActions(t *testing.T) {
	h, _, _ := unlocked(t, Options{})
	e := h.u.main.editor
	h.canvas().Focus(e.title)
	for _, step := range []struct {
		to   fyne.Focusable
		name string
	}{{e.tags, "tags"}, {e.body, "body"}, {e.previewBt, "Preview"}, {e.deleteBt, "Delete"}} {
		h.key(fyne.KeyTab)
		h.focusedIs(step.to, step.name)
	}
	// Typing in the body and tabbing on never toggles or deletes anything.
	if e.previewOn || len(h.u.sc.modals) != 0 {
		t.Errorf("Tab triggered an action: preview %v, dialogs %d", e.previewOn, len(h.u.sc.modals))
	}
}

func TestEnterInTitleGoesToBody(t *testing.T) {
	h, api, ids := unlocked(t, Options{})
	e := h.u.main.editor
	h.typeInto(e.title, "Shopping ")
	h.key(fyne.KeyReturn)
	h.focusedIs(e.body, "body")
	test.Type(e.body, "after enter ")
	h.wait()
	h.advance(defaultAutosaveDelay)
	n, _ := api.Get(ids[0])
	if n.Title != "Shopping Groceries" || !strings.HasPrefix(n.Body, "after enter Oat milk") {
		t.Errorf("saved %q / %q, want the title and the body typed after Enter", n.Title, n.Body)
	}
	// Enter in the tags also goes on to the body.
	h.canvas().Focus(e.tags)
	h.key(fyne.KeyEnter)
	h.focusedIs(e.body, "body")
}

func TestDialogKeys(t *testing.T) {
	cases := []struct {
		name   string
		open   func(h *harness)
		title  string
		key    fyne.KeyName
		check  func(t *testing.T, h *harness)
		closes bool
	}{
		{"delete notebook Esc cancels", openDeleteNotebook, "Delete this notebook?", fyne.KeyEscape,
			func(t *testing.T, h *harness) {
				if n := h.fake.called("DeleteNotebook n04 false"); n != 0 {
					t.Errorf("DeleteNotebook called %d times after Esc", n)
				}
			}, true},
		{"delete notebook Enter confirms", openDeleteNotebook, "Delete this notebook?", fyne.KeyReturn,
			func(t *testing.T, h *harness) {
				if n := h.fake.called("DeleteNotebook n04 false"); n != 1 {
					t.Errorf("DeleteNotebook (notes to the parent) called %d times after Enter, want 1; calls %q", n, h.fake.calls)
				}
			}, true},
		{"change password Esc cancels", func(h *harness) {
			h.u.main.showSettings()
			h.tap("Change password…")
		}, "Change password", fyne.KeyEscape, nil, true},
		{"change password Enter with an incomplete form stays", func(h *harness) {
			h.u.main.showSettings()
			h.tap("Change password…")
		}, "Change password", fyne.KeyReturn, func(t *testing.T, h *harness) {
			if n := h.fake.called("ChangePassword"); n != 0 {
				t.Errorf("ChangePassword called %d times with an empty form", n)
			}
		}, false},
		{"export Esc cancels", func(h *harness) {
			h.u.main.showSettings()
			h.tap("Export as Markdown…")
		}, "Export unencrypted notes?", fyne.KeyEscape, nil, true},
		{"message Enter closes", func(h *harness) { h.u.inform("Backup saved", "Saved.") }, "Backup saved", fyne.KeyReturn, nil, true},
		{"error Esc closes", func(h *harness) { h.u.showError("Couldn't export", os.ErrPermission) }, "Couldn't export", fyne.KeyEscape, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, _, _ := unlocked(t, Options{})
			h.canvas().Unfocus()
			c.open(h)
			h.mustShow(c.title)
			// Keys reach the dialog with the focus nowhere and on its buttons.
			h.key(c.key)
			if c.check != nil {
				c.check(t, h)
			}
			if got := len(h.u.sc.modals) == 0; got != c.closes {
				t.Errorf("after %s the dialog closed = %v, want %v; screen %q", c.key, got, c.closes, h.texts())
			}
			if c.closes && h.canvas().Overlays().Top() != nil {
				t.Errorf("an overlay is still open after %s", c.key)
			}
		})
	}
}

func TestDialogEscFromFocusedButtonAndEntry(t *testing.T) {
	h, api, _ := unlocked(t, Options{})
	h.u.main.showSettings()
	h.tap("Change password…")
	old := h.entry("Current password")
	h.typeInto(old, "secret")
	h.key(fyne.KeyEscape)
	if len(h.u.sc.modals) != 0 {
		t.Fatal("Esc in a dialog's field did not close it")
	}
	h.shortcut(scDelete) // not bound in settings: nothing happens
	if api.called("Trash") != 0 {
		t.Fatal("Ctrl+Delete in settings trashed a note")
	}
	h.tap("Back to notes")
	openDeleteNotebook(h)
	h.focusButton("Delete notebook")
	h.key(fyne.KeyEscape)
	if len(h.u.sc.modals) != 0 || api.called("DeleteNotebook n04 false") != 0 {
		t.Fatalf("Esc on the focused Delete notebook button: dialogs %d, calls %q", len(h.u.sc.modals), api.calls)
	}
}

// openDeleteNotebook adds a notebook (n04 after the sample notes), picks it
// in the sidebar and presses Delete there.
func openDeleteNotebook(h *harness) {
	id := h.fake.addNotebook("Work", "")
	h.u.main.side.reload()
	h.u.main.side.show(navNB + id)
	h.wait()
	h.canvas().Focus(h.u.main.side.tree)
	h.key(fyne.KeyDelete)
}

func TestSearchAndListKeys(t *testing.T) {
	h, _, ids := unlocked(t, Options{})
	m := h.u.main
	l := m.list
	h.shortcut(scSearch)
	h.focusedIs(l.search, "search")
	// Tab from search reaches the list.
	h.key(fyne.KeyTab)
	h.focusedIs(l.list, "list")
	h.canvas().Focus(l.search)

	test.Type(l.search, "i")
	h.wait()
	if len(l.model.items) < 2 {
		t.Fatalf("search %q found %d notes", "i", len(l.model.items))
	}
	first, second := l.model.items[0].ID, l.model.items[1].ID
	h.key(fyne.KeyDown) // into the results
	h.focusedIs(l.list, "list")
	h.key(fyne.KeyDown)
	if m.editor.id != second && m.editor.id != first {
		t.Fatalf("Down in the list opened %q", m.editor.id)
	}
	was := m.editor.id
	h.key(fyne.KeyUp)
	h.key(fyne.KeyDown)
	if m.editor.id != was {
		t.Errorf("Up then Down opened %q, want %q again", m.editor.id, was)
	}
	h.key(fyne.KeyReturn)
	h.focusedIs(m.editor.body, "body")

	// Esc in the list goes back to search; Esc in search clears it.
	h.canvas().Focus(l.list)
	h.key(fyne.KeyEscape)
	h.focusedIs(l.search, "search")
	h.key(fyne.KeyEscape)
	if l.search.Text != "" || len(l.model.items) != 3 {
		t.Errorf("Esc left the search %q with %d notes", l.search.Text, len(l.model.items))
	}

	// Enter in search opens the first result and goes to the editor.
	test.Type(l.search, "lisbon")
	h.wait()
	h.key(fyne.KeyReturn)
	if m.editor.id != ids[2] {
		t.Errorf("Enter in search opened %q, want the trip note", m.editor.id)
	}
	h.focusedIs(m.editor.body, "body")
}

func TestFormatShortcuts(t *testing.T) {
	cases := []struct {
		sc   fyne.Shortcut
		want string
	}{
		{scBold, "**Oat milk, lemons\nand bread**"},
		{scItalic, "_Oat milk, lemons\nand bread_"},
		{scCode, "`Oat milk, lemons\nand bread`"},
	}
	for _, c := range cases {
		t.Run(c.sc.ShortcutName(), func(t *testing.T) {
			h, _, _ := unlocked(t, Options{})
			body := h.u.main.editor.body
			h.canvas().Focus(body)
			body.TypedShortcut(&fyne.ShortcutSelectAll{})
			h.shortcut(c.sc)
			if body.Text != c.want {
				t.Errorf("body = %q, want %q", body.Text, c.want)
			}
		})
	}
	t.Run("no selection leaves the cursor between the marks", func(t *testing.T) {
		h, _, _ := unlocked(t, Options{})
		body := h.u.main.editor.body
		body.SetText("")
		h.canvas().Focus(body)
		h.shortcut(scBold)
		test.Type(body, "x")
		if body.Text != "**x**" {
			t.Errorf("body = %q, want %q", body.Text, "**x**")
		}
	})
}

func TestQuickSwitcherFuzzyOpens(t *testing.T) {
	h, _, ids := unlocked(t, Options{})
	m := h.u.main
	h.canvas().Focus(m.editor.body)
	h.shortcut(scSwitcher)
	h.mustShow("Open a note")
	q := h.entry("Type part of a title")
	test.Type(q, "lsbn")
	h.wait()
	h.key(fyne.KeyReturn)
	if m.editor.id != ids[2] {
		t.Fatalf("switcher opened %q, want the trip note", m.editor.id)
	}
	h.focusedIs(m.editor.body, "body")
	if len(h.u.sc.modals) != 0 {
		t.Error("switcher still open")
	}
	// Esc closes it without opening anything.
	h.shortcut(scSwitcher)
	test.Type(h.entry("Type part of a title"), "gro")
	h.wait()
	h.key(fyne.KeyEscape)
	if m.editor.id != ids[2] || len(h.u.sc.modals) != 0 {
		t.Errorf("after Esc: open note %q, dialogs %d", m.editor.id, len(h.u.sc.modals))
	}
}

func TestCtrlKInsertsLink(t *testing.T) {
	h, _, _ := unlocked(t, Options{})
	body := h.u.main.editor.body
	body.SetText("")
	h.typeInto(body, "see ")
	h.shortcut(scLink)
	test.Type(h.entry("Type part of a title"), "garden")
	h.wait()
	h.key(fyne.KeyDown) // only one match: stays on it
	h.key(fyne.KeyReturn)
	if body.Text != "see [[Ideas for the garden]]" {
		t.Errorf("body = %q", body.Text)
	}
	h.focusedIs(body, "body")
}

func TestShortcutSheet(t *testing.T) {
	h, _, _ := unlocked(t, Options{})
	h.canvas().Unfocus()
	h.key(fyne.KeyF1)
	h.mustShow("Keyboard shortcuts")
	h.mustShow("Insert a link to a note")
	h.key(fyne.KeyEscape)
	h.mustNotShow("Keyboard shortcuts")
	h.canvas().Focus(h.u.main.editor.body)
	h.shortcut(scHelp)
	h.mustShow("Keyboard shortcuts")

	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range shortcutSheet {
		if row := "| " + r.Keys + " | " + r.Does + " |"; !strings.Contains(string(readme), row) {
			t.Errorf("README lacks the row %q", row)
		}
	}
}

func TestFuzzyRank(t *testing.T) {
	titles := []string{"Groceries", "Ideas for the garden", "Trip to Lisbon", "Lisbon budget", "garage"}
	cases := []struct {
		query string
		want  []string
	}{
		{"", titles},
		{"lsbn", []string{"Lisbon budget", "Trip to Lisbon"}},
		{"gar", []string{"garage", "Ideas for the garden"}},
		{"ttl", []string{"Trip to Lisbon"}},
		{"GRO", []string{"Groceries"}},
		{"xyz", nil},
		{"trip lis", []string{"Trip to Lisbon"}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			var got []string
			for _, i := range fuzzyRank(c.query, titles) {
				got = append(got, titles[i])
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("fuzzyRank(%q) = %q, want %q", c.query, got, c.want)
			}
		})
	}
}

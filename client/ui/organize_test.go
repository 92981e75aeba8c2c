package ui

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/shared/note"
)

// organized is the sample notes plus notebooks Work and Work/Projects:
// Groceries in Work, Trip in Work/Projects, Ideas at the top level.
func organized(t *testing.T) (h *harness, api *fakeAPI, ids [3]string, work, projects string) {
	t.Helper()
	api = newFakeAPI().withAccount("pw")
	api.locked = false
	g, i, tr := sampleNotes(api)
	work = api.addNotebook("Work", "")
	projects = api.addNotebook("Projects", work)
	api.notes[g].Notebook = work
	api.notes[tr].Notebook = projects
	h = newHarness(t, api, Options{})
	return h, api, [3]string{g, i, tr}, work, projects
}

// listed is the titles the note list shows, in order.
func listed(h *harness) []string {
	var out []string
	for _, n := range h.u.main.list.model.items {
		out = append(out, n.Title)
	}
	return out
}

// navRowOf is the sidebar row showing node uid.
func navRowOf(t *testing.T, h *harness, uid string) *navRow {
	t.Helper()
	for r := range h.u.main.side.rows {
		if r.uid == uid && r.Visible() {
			return r
		}
	}
	t.Fatalf("no sidebar row for %q; screen shows %q", uid, h.texts())
	return nil
}

func TestSidebarFiltersByNotebookAndTag(t *testing.T) {
	h, _, ids, work, projects := organized(t)
	m := h.u.main
	s := m.side
	s.tree.OpenAllBranches()
	h.wait()
	for _, want := range []string{"All notes", "Notebooks", "Work", "Projects", "Tags", "#garden", "#home", "Trash"} {
		h.mustShow(want)
	}

	cases := []struct {
		name string
		pick func()
		want []string
	}{
		{"notebook with the one inside it", func() { test.Tap(navRowOf(t, h, navNB+work)) }, []string{"Groceries", "Trip to Lisbon"}},
		{"notebook inside", func() { test.Tap(navRowOf(t, h, navNB+projects)) }, []string{"Trip to Lisbon"}},
		{"tag in the sidebar", func() { test.Tap(navRowOf(t, h, navTag+"garden")) }, []string{"Ideas for the garden"}},
		{"all notes", func() { test.Tap(navRowOf(t, h, navAll)) }, []string{"Groceries", "Ideas for the garden", "Trip to Lisbon"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.pick()
			h.wait()
			if got := listed(h); !slices.Equal(got, c.want) {
				t.Errorf("list = %q, want %q", got, c.want)
			}
			if m.list.model.Index(m.editor.id) < 0 {
				t.Errorf("the open note %q is not among those listed", m.editor.id)
			}
		})
	}

	t.Run("tag chip on a note", func(t *testing.T) {
		var home *tapChip
		h.visit(func(o fyne.CanvasObject) {
			if c, ok := o.(*tapChip); ok {
				var text string
				h.visitFrom(c, func(o fyne.CanvasObject) {
					if tx := textOf(o); tx != "" {
						text = tx
					}
				})
				if text == "home" {
					home = c
				}
			}
		})
		if home == nil {
			t.Fatalf("no tag chip “home”; screen shows %q", h.texts())
		}
		test.Tap(home)
		h.wait()
		if got := listed(h); !slices.Equal(got, []string{"Groceries"}) {
			t.Errorf("after clicking the chip the list = %q, want only Groceries", got)
		}
		if s.selected != navTag+"home" {
			t.Errorf("sidebar shows %q, want the tag", s.selected)
		}
	})

	t.Run("new note in a notebook goes there", func(t *testing.T) {
		test.Tap(navRowOf(t, h, navNB+projects))
		h.wait()
		h.shortcut(scNew)
		n, err := h.api.Get(m.editor.id)
		if err != nil || n.Notebook != projects {
			t.Fatalf("new note %q in notebook %q (%v), want %q", m.editor.id, n.Notebook, err, projects)
		}
		if m.list.model.Index(m.editor.id) < 0 {
			t.Error("the new note is not listed in its notebook")
		}
	})
	_ = ids
}

func TestSidebarRenamesInPlace(t *testing.T) {
	h, api, _, work, _ := organized(t)
	s := h.u.main.side
	s.show(navNB + work)
	h.wait()
	h.canvas().Focus(s.tree)
	h.key(fyne.KeyF2)
	if s.rename == nil || !s.rename.Visible() || s.rename.Text != "Work" {
		t.Fatalf("F2 did not open the name for editing in place (%v)", s.rename)
	}
	if h.canvas().Focused() != s.rename {
		t.Fatal("the rename field is not focused")
	}
	s.rename.SetText("Job")
	h.key(fyne.KeyReturn)
	if api.called("RenameNotebook") != 1 {
		t.Fatal("Enter did not rename")
	}
	h.mustShow("Job")
	if h.canvas().Focused() != s.tree {
		t.Error("the focus did not go back to the sidebar")
	}

	// Esc leaves the name alone.
	h.key(fyne.KeyF2)
	s.rename.SetText("Something else")
	h.key(fyne.KeyEscape)
	if api.called("RenameNotebook") != 1 {
		t.Error("Esc renamed")
	}
	h.mustShow("Job")
	h.mustNotShow("Something else")

	// A new notebook starts with its name ready to be typed over.
	h.tap("New notebook")
	if s.rename == nil || h.canvas().Focused() != s.rename || s.rename.SelectedText() != "New notebook" {
		t.Fatalf("a new notebook is not being renamed with its name selected")
	}
	test.Type(s.rename, "Home")
	h.key(fyne.KeyReturn)
	h.mustShow("Home")
}

func TestDeleteNotebookAsksWhatToDoWithItsNotes(t *testing.T) {
	cases := []struct {
		name      string
		option    string
		wantCall  string
		wantTrash int
	}{
		{"notes move to the parent", "Move its notes to “Work”", "DeleteNotebook %s false", 0},
		{"notes go to the trash", "Move its notes to the trash", "DeleteNotebook %s true", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, api, ids, work, projects := organized(t)
			s := h.u.main.side
			s.tree.OpenAllBranches()
			s.show(navNB + projects)
			h.wait()
			test.TapSecondary(navRowOf(t, h, navNB+projects))
			h.wait()
			menu := h.canvas().Overlays().Top()
			if menu == nil {
				t.Fatal("right click opened no menu")
			}
			for _, item := range []string{"New notebook inside", "Rename (F2)", "Delete… (Delete)"} {
				h.mustShow(item)
			}
			h.canvas().Overlays().Remove(menu)
			s.askDelete(projects)
			h.wait()
			h.mustShow("Delete this notebook?")
			h.mustShow("“Work/Projects” holds 1 note.")
			var radio *widget.RadioGroup
			h.visit(func(o fyne.CanvasObject) {
				if r, ok := o.(*widget.RadioGroup); ok {
					radio = r
				}
			})
			if radio == nil || radio.Selected != "Move its notes to “Work”" {
				t.Fatalf("no choice, or not moving by default: %v", radio)
			}
			radio.SetSelected(c.option)
			h.tap("Delete notebook")
			if api.called(sprintf(c.wantCall, projects)) != 1 {
				t.Fatalf("calls %q, want %q", api.calls, sprintf(c.wantCall, projects))
			}
			if got := len(api.TrashList()); got != c.wantTrash {
				t.Errorf("trash holds %d notes, want %d", got, c.wantTrash)
			}
			n, _ := api.Get(ids[2])
			if c.wantTrash == 0 && n.Notebook != work {
				t.Errorf("the note went to %q, want the parent %q", n.Notebook, work)
			}
			h.mustNotShow("Projects")
		})
	}
}

func TestTrashViewRestoresDeletesAndEmpties(t *testing.T) {
	h, api, ids := unlocked(t, Options{})
	for _, id := range ids {
		api.notes[id].TrashedAt = testNow.Add(-2 * time.Hour)
	}
	api.notes[ids[2]].TrashedAt = testNow.Add(-30 * time.Minute)
	m := h.u.main
	m.side.reload()
	test.Tap(navRowOf(t, h, navTrash))
	h.wait()
	if m.trash == nil {
		t.Fatal("Trash did not open the trash")
	}
	h.mustShow("Notes in the trash are deleted for good 30 days after they were moved there")
	h.mustShow("Deleted 30 min ago")
	if got := len(m.trash.items); got != 3 {
		t.Fatalf("trash lists %d notes, want 3", got)
	}
	if m.trash.items[0].ID != ids[2] {
		t.Errorf("newest trashed first: got %q", m.trash.items[0].Title)
	}

	// Restore a row (the last: Ideas).
	h.tap("Restore")
	if api.called("Untrash") != 1 || len(m.trash.items) != 2 {
		t.Fatalf("Restore: untrash calls %d, trash now %d", api.called("Untrash"), len(m.trash.items))
	}
	// Delete forever asks; Cancel keeps it.
	h.tap("Delete forever")
	h.mustShow("Delete this note forever?")
	h.tap("Cancel")
	if api.called("Delete") != 0 {
		t.Fatal("deleted although cancelled")
	}
	h.tap("Delete forever")
	h.tap("Delete forever") // the dialog's button is the last one shown
	if api.called("Delete") != 1 || len(m.trash.items) != 1 {
		t.Fatalf("Delete forever: %d deletes, trash %d", api.called("Delete"), len(m.trash.items))
	}
	// Empty trash asks too.
	h.tap("Empty trash")
	h.mustShow("Empty the trash?")
	h.mustShow("1 note will be deleted for good")
	h.tap("Empty trash")
	if api.called("EmptyTrash") != 1 || len(m.trash.items) != 0 {
		t.Fatalf("Empty trash: %d calls, trash %d", api.called("EmptyTrash"), len(m.trash.items))
	}
	h.mustShow("The trash is empty.")
	if !h.button("Empty trash").Disabled() {
		t.Error("Empty trash enabled on an empty trash")
	}
	test.Tap(navRowOf(t, h, navAll))
	h.wait()
	if m.trash != nil || !slices.Equal(listed(h), []string{"Ideas for the garden"}) { // the one restored
		t.Errorf("back to all notes: trash view %v, list %q", m.trash != nil, listed(h))
	}
}

func TestMoveToPicksANotebookByTyping(t *testing.T) {
	h, api, ids, _, projects := organized(t)
	m := h.u.main
	m.open(ids[1]) // Ideas, at the top level
	h.wait()
	h.shortcut(scMoveTo)
	h.mustShow("Move “Ideas for the garden” to…")
	q := h.entry("Type part of a notebook's name")
	if h.canvas().Focused() != q {
		t.Fatal("the picker's field is not focused")
	}
	h.mustShow(topLevel)
	test.Type(q, "proj")
	h.wait()
	h.key(fyne.KeyReturn)
	if len(h.u.sc.modals) != 0 {
		t.Fatal("the picker is still open")
	}
	n, _ := api.Get(ids[1])
	if n.Notebook != projects {
		t.Fatalf("note moved to %q, want Projects %q", n.Notebook, projects)
	}
	h.mustShow("Moved to “Work/Projects”")

	// Esc moves nothing; the button opens the same picker.
	h.tap("Move to…")
	h.key(fyne.KeyEscape)
	if api.called("MoveNote") != 1 {
		t.Errorf("MoveNote called %d times, want 1", api.called("MoveNote"))
	}
}

func TestDragNoteOntoNotebook(t *testing.T) {
	h, api, ids, work, _ := organized(t)
	m := h.u.main
	target := navRowOf(t, h, navNB+work)
	d := fyne.CurrentApp().Driver()
	to := d.AbsolutePositionForObject(target).Add(fyne.NewPos(20, target.Size().Height/2))

	var row *noteRow
	h.visit(func(o fyne.CanvasObject) {
		if r, ok := o.(*noteRow); ok && r.id == ids[1] {
			row = r
		}
	})
	if row == nil {
		t.Fatal("no row for Ideas")
	}
	from := d.AbsolutePositionForObject(row).Add(fyne.NewPos(30, 10))
	test.Drag(h.canvas(), from, to.X-from.X, to.Y-from.Y)
	h.wait()
	n, _ := api.Get(ids[1])
	if n.Notebook != work {
		t.Fatalf("dropped note is in %q, want Work %q", n.Notebook, work)
	}
	// Let go anywhere else: nothing moves.
	test.Drag(h.canvas(), from, 400, 0)
	h.wait()
	if api.called("MoveNote") != 1 {
		t.Errorf("MoveNote called %d times, want 1", api.called("MoveNote"))
	}
	_ = m
}

func TestHistoryShowsDevicesDiffAndRestores(t *testing.T) {
	h, api, ids := unlocked(t, Options{})
	m := h.u.main
	g := ids[0]
	api.addRevision(g, testNow.Add(-3*time.Hour), note.Note{Title: "Groceries", Body: "Oat milk\nand bread\n", Device: "Laptop"})
	api.addRevision(g, testNow.Add(-20*time.Minute), note.Note{Title: "Groceries", Body: "Oat milk, lemons\nand bread", Device: "Phone"})
	m.open(g)
	h.wait()
	h.shortcut(scHistory)
	if m.history == nil {
		t.Fatal("Ctrl+H did not open the history")
	}
	h.mustShow("History of “Groceries”")
	h.mustShow("2 versions, newest first")
	for _, s := range []string{"Today, 10:10:00", "Phone", "Today, 07:30:00", "Laptop"} {
		h.mustShow(s)
	}
	h.mustShow("Same as now.")
	if !h.button("Restore this version").Disabled() {
		t.Error("Restore enabled for a version equal to the note")
	}
	m.history.list.Select(1)
	h.wait()
	h.mustShow("Compared with now: 1 line only in this version (−), 1 line only now")
	h.mustShow("−  Oat milk")
	h.mustShow("+  Oat milk, lemons")
	// The changed lines are highlighted (colour and bold), the rest not.
	for _, c := range []struct {
		side *fyne.Container
		col  fyne.ThemeColorName
	}{{m.history.left, theme.ColorNameError}, {m.history.right, theme.ColorNameSuccess}} {
		segs := c.side.Objects[0].(*widget.RichText).Segments
		first, second := segs[0].(*widget.TextSegment).Style, segs[1].(*widget.TextSegment).Style
		if first.ColorName != c.col || !first.TextStyle.Bold || second.ColorName == c.col || second.TextStyle.Bold {
			t.Errorf("diff styles %+v / %+v, want the changed line in %s and bold only", first, second, c.col)
		}
	}
	h.tap("Restore this version")
	if api.called("Restore 1") != 1 {
		t.Fatalf("calls %q, want Restore 1", api.calls)
	}
	if m.history != nil || m.editor.id != g || m.editor.body.Text != "Oat milk\nand bread\n" {
		t.Fatalf("after Restore: history %v, editor %q %q", m.history != nil, m.editor.id, m.editor.body.Text)
	}
	h.mustShow("Restored the version of Today, 07:30:00")

	// Esc in the list goes back without restoring.
	h.shortcut(scHistory)
	h.key(fyne.KeyEscape)
	if m.history != nil {
		t.Error("Esc did not close the history")
	}
}

var sprintf = fmt.Sprintf

// visitFrom walks the visible objects under o.
func (h *harness) visitFrom(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			h.visitFrom(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			h.visitFrom(c, fn)
		}
	}
}

// textOf is o's text when o is a canvas text.
func textOf(o fyne.CanvasObject) string {
	if t, ok := o.(*canvas.Text); ok {
		return t.Text
	}
	return ""
}

// Typing autosaves inside a typing session; leaving the note and Ctrl+S
// are explicit saves that end it (SPEC §12.4).
func TestLeavingANoteAndCtrlSEndTypingSessions(t *testing.T) {
	h, api, ids := unlocked(t, Options{})
	m := h.u.main
	m.open(ids[0])
	h.wait()
	h.typeInto(m.editor.body, "more ")
	h.advance(defaultAutosaveDelay)
	api.mu.Lock()
	typing := api.typing[ids[0]]
	api.mu.Unlock()
	if !typing {
		t.Fatalf("the autosave did not go through Autosave; calls %q", api.calls)
	}
	m.list.list.Select(1) // leave the note
	h.wait()
	if api.called("EndTyping "+ids[0]) != 1 {
		t.Fatalf("leaving the note did not end its session; calls %q", api.calls)
	}
	before := api.called("EndTyping ")
	h.shortcut(scSync)
	if api.called("EndTyping ") != before+1 {
		t.Fatalf("Ctrl+S did not end every session; calls %q", api.calls)
	}
	// Going to Settings leaves the note too (its logout counts what is
	// not on the server yet, and Sync there pushes it).
	m.showSettings()
	h.wait()
	if api.called("EndTyping ") != before+2 {
		t.Fatalf("Settings did not end the typing sessions; calls %q", api.calls)
	}
}

// Tab goes toolbar → sidebar (tree, New notebook) → search → list.
func TestTabOrderReachesTheSidebarBeforeTheList(t *testing.T) {
	h, _, _ := unlocked(t, Options{})
	m := h.u.main
	h.canvas().Focus(m.side.tree)
	h.key(fyne.KeyTab)
	if f := h.canvas().Focused(); f != fyne.Focusable(m.side.newBt) {
		t.Fatalf("Tab from the tree focused %T, want the New notebook button", f)
	}
	h.key(fyne.KeyTab)
	h.focusedIs(m.list.search, "search")
	h.key(fyne.KeyTab)
	h.focusedIs(m.list.list, "list")
	// And before the sidebar, the toolbar.
	h.canvas().Focus(m.settingsBt)
	h.key(fyne.KeyTab)
	if f := h.canvas().Focused(); f != fyne.Focusable(m.side.tree) {
		t.Fatalf("Tab from Settings focused %T, want the sidebar", f)
	}
}

// TestTrashRetentionSetting: the trash view sets how long the account
// keeps trashed notes, and says it applies on every device.
func TestTrashRetentionSetting(t *testing.T) {
	h, api, _ := unlocked(t, Options{})
	m := h.u.main
	test.Tap(navRowOf(t, h, navTrash))
	h.wait()
	if m.trash == nil {
		t.Fatal("Trash did not open the trash")
	}
	if got := m.trash.keep.Selected; got != "30 days" {
		t.Errorf("retention shown %q, want the default 30 days", got)
	}
	m.trash.keep.SetSelected("7 days")
	h.wait()
	if d, _ := api.TrashDays(); d != 7 || api.called("SetTrashDays") != 1 {
		t.Errorf("after choosing 7 days: TrashDays %d, SetTrashDays called %d times", d, api.called("SetTrashDays"))
	}
	h.mustShow("Notes in the trash are deleted for good 7 days after they were moved there. This is your account's setting: it applies on all your devices once they sync.")

	api.SetTrashDays(45) // set on another device, or with cipherleaf-cli trash-days
	m.trash.reload()
	if got, opts := m.trash.keep.Selected, m.trash.keep.Options; got != "45 days" || !slices.Contains(opts, "45 days") {
		t.Errorf("a retention set elsewhere: selected %q of %q, want 45 days listed and selected", got, opts)
	}
}

// TestNotesChangedReadsTheCoreOnce: a refresh after a sync (or any change)
// reads the core once, and that one read fills the list (with the
// sidebar's filter), its conflict banner and the sidebar's counts.
func TestNotesChangedReadsTheCoreOnce(t *testing.T) {
	h, api, ids, work, _ := organized(t)
	m := h.u.main
	test.Tap(navRowOf(t, h, navNB+work))
	h.wait()
	api.mu.Lock()
	api.notes["c0000000-0000-4000-8000-000000000001"] = &note.Note{Title: "Trip (conflict)", ConflictOf: ids[2], Notebook: work, Modified: time.Now()}
	api.notes[ids[1]].TrashedAt = time.Now()
	api.calls = nil
	api.mu.Unlock()

	m.notesChanged()
	h.wait()
	for call, want := range map[string]int{"Overview": 1, "List": 0, "Notebooks": 0} {
		if got := api.called(call); got != want {
			t.Errorf("one refresh called %s %d times, want %d", call, got, want)
		}
	}
	if got := listed(h); !slices.Equal(got, []string{"Trip (conflict)", "Groceries", "Trip to Lisbon"}) {
		t.Errorf("list in Work = %q, want the copy, Groceries and Trip to Lisbon", got)
	}
	if m.list.model.conflicts != 1 || !m.list.banner.Visible() {
		t.Errorf("conflicts %d, banner shown %v, want 1 and shown", m.list.model.conflicts, m.list.banner.Visible())
	}
	if s := m.side.model; s.counts[work] != 2 || s.trash != 1 || s.tagN["garden"] != 0 {
		t.Errorf("sidebar: %d notes in Work, %d trashed, #garden on %d, want 2, 1, 0", s.counts[work], s.trash, s.tagN["garden"])
	}
}

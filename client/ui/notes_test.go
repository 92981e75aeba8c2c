package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/manifest"
	"cipherleaf.dev/shared/note"
)

// unlocked is a harness on the notes screen with the sample notes.
func unlocked(t *testing.T, opts Options) (*harness, *fakeAPI, [3]string) {
	t.Helper()
	api := newFakeAPI().withAccount("pw")
	api.locked = false
	g, i, tr := sampleNotes(api)
	h := newHarness(t, api, opts)
	return h, api, [3]string{g, i, tr}
}

func TestMainShowsNotesAndOpensTheNewest(t *testing.T) {
	h, api, ids := unlocked(t, Options{})
	for _, s := range []string{"Groceries", "Oat milk, lemons", "10 min ago", "home",
		"Ideas for the garden", "yesterday", "garden", "plans", "spring", "+1", "Trip to Lisbon", "Synced · last at 10:30"} {
		h.mustShow(s)
	}
	m := h.u.main
	if m.editor.id != ids[0] || m.editor.title.Text != "Groceries" || m.editor.body.Text != "Oat milk, lemons\nand bread" {
		t.Errorf("editor shows %q %q, want the newest note", m.editor.id, m.editor.title.Text)
	}
	if api.called("StartAutoSync") != 1 || api.called("Sync") != 1 {
		t.Errorf("StartAutoSync called %d times, Sync %d times; want both once on unlock", api.called("StartAutoSync"), api.called("Sync"))
	}
}

func TestEditAutosavesAfterAPause(t *testing.T) {
	h, api, ids := unlocked(t, Options{})
	m := h.u.main
	m.list.list.Select(1) // Ideas for the garden
	h.wait()
	if m.editor.id != ids[1] {
		t.Fatalf("opened %q, want %q", m.editor.id, ids[1])
	}
	h.typeInto(m.editor.body, "More thyme. ")
	h.mustShow("Editing…")
	if api.called("Update") != 0 {
		t.Fatal("saved while typing; want a save only after a pause")
	}
	h.advance(defaultAutosaveDelay)
	if api.called("Update") != 1 {
		t.Fatalf("Update called %d times after the pause, want 1", api.called("Update"))
	}
	n, _ := api.Get(ids[1])
	if n.Body != "More thyme. # Garden\n\n- herbs by the door\n- a **bench**" {
		t.Errorf("saved body %q", n.Body)
	}
	if n.Created != testNow.Add(-100*time.Hour) || n.Title != "Ideas for the garden" || len(n.Tags) != 4 {
		t.Errorf("save lost fields: %+v", n)
	}
	h.mustShow("Saved")
	// The edited note moves to the top and stays selected, marked pending.
	if m.list.model.items[0].ID != ids[1] || !m.list.model.items[0].Pending {
		t.Errorf("list after save: %+v", m.list.model.items[0])
	}
	h.mustShow("Not synced")

	// Title and tags save too.
	m.editor.title.SetText("Garden plans")
	m.editor.tags.SetText("garden, spring")
	h.advance(defaultAutosaveDelay)
	n, _ = api.Get(ids[1])
	if n.Title != "Garden plans" || formatTags(n.Tags) != "garden, spring" {
		t.Errorf("saved %q %v", n.Title, n.Tags)
	}
}

func TestSaveErrorKeepsTextAndRetries(t *testing.T) {
	h, api, ids := unlocked(t, Options{})
	m := h.u.main
	api.setFail("Update", errors.New("disk I/O error"))
	h.typeInto(m.editor.body, "keep me ")
	h.advance(defaultAutosaveDelay)
	h.mustShow("Not saved:")
	if m.editor.body.Text != "keep me Oat milk, lemons\nand bread" {
		t.Errorf("editor text after a failed save: %q", m.editor.body.Text)
	}
	api.setFail("Update", nil)
	h.typeInto(m.editor.body, "x")
	h.advance(defaultAutosaveDelay)
	n, _ := api.Get(ids[0])
	if n.Body != "keep me xOat milk, lemons\nand bread" {
		t.Errorf("after retry the note holds %q", n.Body)
	}
	h.mustShow("Saved")
}

func TestSwitchingNotesSavesAtOnce(t *testing.T) {
	h, api, ids := unlocked(t, Options{})
	m := h.u.main
	h.typeInto(m.editor.body, "A")
	m.list.list.Select(2)
	h.wait()
	if api.called("Update") != 1 {
		t.Fatalf("switching notes did not save the pending edit")
	}
	n, _ := api.Get(ids[0])
	if n.Body[:1] != "A" {
		t.Errorf("saved %q", n.Body)
	}
	if m.editor.title.Text != "Trip to Lisbon" {
		t.Errorf("editor shows %q", m.editor.title.Text)
	}
}

func TestNewNoteShortcutWhileTyping(t *testing.T) {
	h, api, _ := unlocked(t, Options{})
	m := h.u.main
	h.canvas().Focus(m.editor.body)
	h.shortcut(scNew) // from inside the editor: the entry hands it on
	if api.called("Create") != 1 {
		t.Fatalf("Ctrl+N in the editor: Create called %d times", api.called("Create"))
	}
	if h.canvas().Focused() != m.editor.title {
		t.Error("the new note's title does not have the focus")
	}
	h.typeInto(m.editor.title, "Fresh")
	h.advance(defaultAutosaveDelay)
	if got := m.list.model.items[0]; got.Title != "Fresh" || got.ID != m.editor.id {
		t.Errorf("top of the list = %+v, want the new note", got)
	}
	h.u.win.Canvas().Unfocus()
	h.shortcut(scNew) // with nothing focused: the canvas shortcut
	if api.called("Create") != 2 {
		t.Errorf("Ctrl+N on the canvas: Create called %d times", api.called("Create"))
	}
	if len(api.List()) != 5 {
		t.Errorf("%d notes, want 5", len(api.List()))
	}
}

func TestSearch(t *testing.T) {
	h, _, ids := unlocked(t, Options{})
	m := h.u.main
	h.shortcut(scSearch)
	if h.canvas().Focused() != m.list.search {
		t.Fatal("Ctrl+F did not focus the search field")
	}
	h.typeInto(m.list.search, "bench")
	if len(m.list.model.items) != 1 || m.list.model.items[0].ID != ids[1] {
		t.Fatalf("search bench = %+v", m.list.model.items)
	}
	m.list.search.SetText("nothing like this")
	h.mustShow("No notes match “nothing like this”.")
	m.list.search.SetText("")
	if len(m.list.model.items) != 3 {
		t.Errorf("clearing the search shows %d notes", len(m.list.model.items))
	}
}

func TestDeleteMovesToTrashWithUndo(t *testing.T) {
	h, api, ids := unlocked(t, Options{})
	m := h.u.main
	h.canvas().Focus(m.editor.body)
	h.shortcut(scDeleteAlt)
	if api.called("Trash") != 1 || api.called("Delete") != 0 {
		t.Fatalf("Ctrl+Shift+D: calls %q, want one Trash and no Delete", api.calls)
	}
	h.mustShow("“Groceries” moved to the trash.")
	h.mustNotShow("doesn't exist")
	if len(h.u.sc.modals) != 0 {
		t.Fatal("a dialog opened on delete")
	}
	if m.editor.id != "" || m.list.model.Index(ids[0]) >= 0 {
		t.Fatalf("trashed note still open (%q) or listed", m.editor.id)
	}
	h.tap("Undo")
	if api.called("Untrash") != 1 {
		t.Fatal("Undo did not untrash")
	}
	if m.editor.id != ids[0] || m.list.model.Index(ids[0]) < 0 {
		t.Fatalf("after Undo the editor shows %q, want the note back", m.editor.id)
	}
	h.mustNotShow("moved to the trash")

	// Unanswered, the Undo goes away after a few seconds; the note stays
	// in the trash.
	h.u.win.Canvas().Unfocus()
	h.shortcut(scDelete)
	h.mustShow("“Groceries” moved to the trash.")
	h.advance(undoFor)
	h.mustNotShow("moved to the trash")
	if tr := api.TrashList(); len(tr) != 1 || tr[0].ID != ids[0] {
		t.Fatalf("trash = %+v, want the note", tr)
	}
}

func TestPreviewRendersMarkdown(t *testing.T) {
	h, _, _ := unlocked(t, Options{})
	m := h.u.main
	m.list.list.Select(1)
	h.wait()
	h.tap("Preview")
	if m.editor.body.Visible() || !m.editor.previewBox.Visible() {
		t.Fatal("preview not shown")
	}
	h.mustShow("Garden") // the heading, without "# "
	h.mustShow("bench")
	h.mustNotShow("**bench**")
	h.tap("Edit")
	if !m.editor.body.Visible() {
		t.Error("back to editing: body hidden")
	}
}

func TestLockSavesAndDropsTheNotes(t *testing.T) {
	h, api, ids := unlocked(t, Options{})
	m := h.u.main
	h.typeInto(m.editor.body, "unsaved ")
	h.shortcut(scLock)
	if !api.Locked() {
		t.Fatal("Ctrl+L did not lock")
	}
	n := api.notes[ids[0]]
	if n.Body[:8] != "unsaved " {
		t.Errorf("pending edit lost on lock: %q", n.Body)
	}
	h.mustShow("Cipherleaf is locked")
	h.mustNotShow("Groceries")
	if h.u.main != nil {
		t.Error("notes screen kept after locking")
	}
}

func TestAutoLockAfterIdle(t *testing.T) {
	h, api, _ := unlocked(t, Options{})
	h.app.Preferences().SetInt(prefAutoLock, 5)
	h.u.idle.Start(5 * time.Minute)
	h.advance(4 * time.Minute)
	h.typeInto(h.u.main.editor.body, "x") // activity
	h.advance(4 * time.Minute)
	if api.Locked() {
		t.Fatal("locked although the user typed 4 minutes ago")
	}
	h.advance(time.Minute + time.Second)
	if !api.Locked() {
		t.Fatal("not locked after 5 idle minutes")
	}
	h.mustShow("Cipherleaf is locked")
}

func TestStatusLineFollowsSync(t *testing.T) {
	h, api, _ := unlocked(t, Options{})
	h.emit(core.Event{Kind: core.EventStatusChanged, Status: core.SyncStatus{State: core.StateSyncing, Done: 10, Total: 100}})
	h.mustShow("Syncing… 10 of 100")
	if !h.u.main.status.barBox.Visible() {
		t.Error("no progress bar for a large sync")
	}
	h.emit(core.Event{Kind: core.EventStatusChanged, Status: core.SyncStatus{State: core.StateOffline, Pending: 2, Err: core.ErrOffline}})
	h.mustShow("Offline — will retry · 2 changes waiting")
	if h.u.main.status.barBox.Visible() {
		t.Error("progress bar left after the sync")
	}
	api.setFail("Sync", core.ErrSessionExpired)
	h.shortcut(scSync)
	h.mustShow("Sync stopped: " + core.Words(core.ErrSessionExpired))
	api.setFail("Sync", nil)
	h.tap("Try again")
	h.mustShow("Synced · last at 10:30")
}

func TestRemoteChangeReloadsIdleEditorOnly(t *testing.T) {
	h, api, ids := unlocked(t, Options{})
	m := h.u.main
	api.mu.Lock()
	api.notes[ids[0]].Body = "changed elsewhere"
	api.mu.Unlock()
	h.emit(core.Event{Kind: core.EventNotesChanged})
	if m.editor.body.Text != "changed elsewhere" {
		t.Errorf("idle editor not refreshed: %q", m.editor.body.Text)
	}
	h.typeInto(m.editor.body, "mine ")
	api.mu.Lock()
	api.notes[ids[0]].Body = "changed again"
	api.mu.Unlock()
	h.emit(core.Event{Kind: core.EventNotesChanged})
	if m.editor.body.Text != "mine changed elsewhere" {
		t.Errorf("a remote change overwrote what the user is typing: %q", m.editor.body.Text)
	}
}

func TestConflictBadgeAndResolveKeepCopy(t *testing.T) {
	api := newFakeAPI().withAccount("pw")
	api.locked = false
	orig := api.add(note.Note{Title: "Plan", Body: "server text", Modified: testNow.Add(-time.Hour)})
	cp := api.add(note.Note{Title: "Plan", Body: "my text", ConflictOf: orig, Modified: testNow.Add(-time.Minute)})
	h := newHarness(t, api, Options{})
	h.mustShow("1 conflict to resolve")
	h.mustShow("Conflict")
	h.mustShow("This is a conflicted copy of “Plan”")
	h.tap("1 conflict to resolve")
	h.mustShow("Resolve conflict: Plan")
	h.mustShow("server text")
	h.mustShow("my text")
	// Two "Keep this version" buttons: the right-hand one is the copy's.
	tapKeep(h, 1)
	if api.called("ResolveConflict") != 1 {
		t.Fatal("not resolved")
	}
	n, _ := api.Get(orig)
	if n.Body != "my text" || n.ConflictOf != "" {
		t.Errorf("kept %+v, want the copy's text", n)
	}
	if _, err := api.Get(cp); err == nil {
		t.Error("copy still exists")
	}
	h.mustNotShow("conflict to resolve")
	if h.u.main.editor.id != orig {
		t.Errorf("after resolving, editor shows %q, want the note %q", h.u.main.editor.id, orig)
	}
}

func TestResolveMergeByHandKeepsTextOnError(t *testing.T) {
	api := newFakeAPI().withAccount("pw")
	api.locked = false
	orig := api.add(note.Note{Title: "Plan", Body: "server text"})
	cp := api.add(note.Note{Title: "Plan", Body: "my text", ConflictOf: orig})
	h := newHarness(t, api, Options{Screen: "resolve"})
	h.mustShow("Resolve conflict: Plan")
	h.tap("Merge by hand…")
	body := h.u.win.Canvas().Focused().(*entry)
	if body.Text != "my text" {
		t.Fatalf("merge editor starts with %q", body.Text)
	}
	body.SetText("server text\nmy text")
	api.setFail("ResolveConflict", core.ErrOffline)
	h.tap("Save merged version")
	h.mustShow(core.Words(core.ErrOffline))
	if body.Text != "server text\nmy text" {
		t.Errorf("merged text lost after an error: %q", body.Text)
	}
	api.setFail("ResolveConflict", nil)
	h.tap("Save merged version")
	n, _ := api.Get(orig)
	if n.Body != "server text\nmy text" {
		t.Errorf("merged note = %q", n.Body)
	}
	if _, err := api.Get(cp); err == nil {
		t.Error("copy still exists")
	}
}

// tapKeep taps the i-th "Keep this version" button (0: current version,
// 1: conflicted copy).
func tapKeep(h *harness, i int) {
	h.t.Helper()
	var keeps []*widget.Button
	h.visit(func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Keep this version" {
			keeps = append(keeps, b)
		}
	})
	if len(keeps) != 2 {
		h.t.Fatalf("%d keep buttons, want 2", len(keeps))
	}
	if keeps[0].Position().X >= keeps[1].Position().X && keeps[0].Position().Y == keeps[1].Position().Y {
		h.t.Log("keep buttons not in left-to-right order")
	}
	test.Tap(keeps[i])
	h.wait()
}

func TestTamperDetectionShowsRedBanner(t *testing.T) {
	h, api, _ := unlocked(t, Options{})
	m := h.u.main
	if m.status.banner.Visible() {
		t.Fatal("banner visible before any detection")
	}
	api.setFail("Sync", fmt.Errorf("sync: %w", manifest.Detect(manifest.ErrFork, "two different manifests of version 4")))
	m.syncNow()
	h.wait()
	want := "Sync stopped: the server is showing your devices different histories (a fork). Your notes on this device are untouched."
	if !m.status.banner.Visible() || m.status.bannerText.String() != want {
		t.Fatalf("banner visible %t, text %q; want %q", m.status.banner.Visible(), m.status.bannerText.String(), want)
	}
	if m.status.bannerBg.FillColor != theme.Color(theme.ColorNameError) {
		t.Errorf("banner colour %v, want the error colour", m.status.bannerBg.FillColor)
	}
	h.mustShow("different histories (a fork)")

	// A plain failure is no detection: the banner stays from before until a
	// sync succeeds, and an offline error alone never raises it.
	api.setFail("Sync", nil)
	m.syncNow()
	h.wait()
	if m.status.banner.Visible() {
		t.Error("banner still visible after a successful sync")
	}
	api.setFail("Sync", fmt.Errorf("sync: %w", core.ErrOffline))
	m.syncNow()
	h.wait()
	if m.status.banner.Visible() {
		t.Error("banner shown for an offline error")
	}
}

// TestAutosaveKeepsWhatChangedMeanwhile: while the user types, a sync
// brings an attachment from another device and the note is moved to a
// notebook; the autosave of the typed text keeps both.
func TestAutosaveKeepsWhatChangedMeanwhile(t *testing.T) {
	h, api, ids := unlocked(t, Options{})
	m := h.u.main
	if m.editor.id != ids[0] {
		t.Fatalf("opened %q, want %q", m.editor.id, ids[0])
	}
	h.typeInto(m.editor.body, "Typed. ")
	api.mu.Lock()
	stored := api.notes[ids[0]]
	stored.Attachments = []note.Attachment{{ID: "a1", Name: "receipt.pdf", Size: 10}}
	stored.Notebook = "nb-home"
	api.mu.Unlock()
	h.advance(defaultAutosaveDelay)
	n, _ := api.Get(ids[0])
	if !strings.HasPrefix(n.Body, "Typed. ") {
		t.Fatalf("body %q, want the typed text saved", n.Body)
	}
	if len(n.Attachments) != 1 || n.Attachments[0].ID != "a1" || n.Notebook != "nb-home" {
		t.Errorf("after the autosave: attachments %+v, notebook %q; want what changed meanwhile kept", n.Attachments, n.Notebook)
	}
}

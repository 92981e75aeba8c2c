package ui

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/testserver"
	"cipherleaf.dev/shared/cryptobox"
)

// floorParams are the cheapest key-derivation parameters a server accepts.
func floorParams() (cryptobox.Params, error) {
	salt := make([]byte, cryptobox.SaltSize)
	rand.Read(salt)
	return cryptobox.Params{Time: 2, Memory: 19456, Threads: 1, Salt: salt}, nil
}

// realCore opens a real core on a fresh profile.
func realCore(t *testing.T, name string) *core.Core {
	t.Helper()
	c, err := core.Open(core.Config{
		ProfileDir: t.TempDir(),
		Policy:     cryptobox.DefaultPolicy,
		NewParams:  floorParams,
		DeviceName: name,
		APITimeout: 5 * time.Second,
		APIRetries: -1,
	})
	if err != nil {
		t.Fatalf("core.Open: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestEndToEndWithRealCoreAndServer walks the flow through the UI,
// on the real core and a real cipherleafd over HTTPS: register → recovery
// key → create, edit, search, delete → lock → wrong then right password →
// a second device sees the note → a conflict appears and is resolved.
func TestEndToEndWithRealCoreAndServer(t *testing.T) {
	if serverBin == "" {
		t.Skip("end-to-end test skipped under -short")
	}
	srv := testserver.Start(t, serverBin, "--auth-ip-burst", "1000", "--auth-user-burst", "1000", "--lockout-after", "0")
	const password = "correct horse battery staple"
	opts := Options{ServerURL: srv.URL, Pin: srv.Fingerprint, SyncEvery: time.Hour}

	// Device A: first run, register. The fingerprint cipherleafd printed is
	// the one shown and, given as --pin, trusted.
	coreA := realCore(t, "device A")
	a := newHarness(t, coreA, opts)
	a.mustShow(strings.TrimPrefix(srv.Fingerprint, "sha256:")[:16])
	if !a.check("The fingerprints match: trust this server").Checked {
		t.Fatal("the printed fingerprint is not pre-trusted")
	}
	a.typeInto(a.entry("User name"), "alice")
	a.typeInto(a.entry("Choose a password"), password)
	a.typeInto(a.entry("Repeat the password"), password)
	a.tap("Create account")

	// The recovery key is shown once; Continue needs the confirmation.
	a.mustShow("Your recovery key")
	a.tap("Copy")
	key := a.app.Clipboard().Content()
	if groups := strings.Split(key, "-"); len(groups) != 11 || len(key) != 65 {
		t.Fatalf("recovery key %q is not 11 groups of 5", key)
	}
	a.mustShow(key[:24])
	if !a.button("Continue").Disabled() {
		t.Fatal("Continue enabled before confirming the key is stored")
	}
	test.Tap(a.check("I have stored my recovery key somewhere safe"))
	a.tap("Continue")
	a.mustShow("No notes yet.")

	// Create and edit a note; it autosaves after a pause in typing.
	a.shortcut(scNew)
	ed := a.u.main.editor
	a.typeInto(ed.title, "Shopping")
	a.typeInto(ed.body, "milk and honey\nbread")
	a.typeInto(ed.tags, "home, food")
	a.advance(defaultAutosaveDelay)
	id := ed.id
	n, err := coreA.Get(id)
	if err != nil || n.Title != "Shopping" || n.Body != "milk and honey\nbread" || formatTags(n.Tags) != "home, food" {
		t.Fatalf("after autosave the core holds %+v, %v", n, err)
	}
	a.mustShow("Saved")
	ed.body.SetText("milk and honey\nbread\neggs")
	a.advance(defaultAutosaveDelay)
	if n, _ := coreA.Get(id); n.Body != "milk and honey\nbread\neggs" {
		t.Fatalf("edit not saved: %q", n.Body)
	}

	// A second note, found by search, moved to the trash (Undo shown, no
	// error), then deleted forever from the trash with confirmation.
	a.shortcut(scNew)
	a.typeInto(ed.title, "Scratch")
	a.typeInto(ed.body, "temporary thoughts")
	a.advance(defaultAutosaveDelay)
	scratch := ed.id
	a.shortcut(scSearch)
	a.typeInto(a.u.main.list.search, "honey")
	if items := a.u.main.list.model.items; len(items) != 1 || items[0].ID != id {
		t.Fatalf("search honey = %+v", items)
	}
	a.u.main.list.search.SetText("temporary")
	if items := a.u.main.list.model.items; len(items) != 1 || items[0].ID != scratch {
		t.Fatalf("search temporary = %+v", items)
	}
	a.u.main.list.list.Select(0)
	a.wait()
	a.u.win.Canvas().Unfocus()
	a.shortcut(scDelete)
	a.mustShow("“Scratch” moved to the trash.")
	a.mustNotShow("doesn't exist")
	if tr := coreA.TrashList(); len(tr) != 1 || tr[0].ID != scratch {
		t.Fatalf("trash = %+v, want Scratch", tr)
	}
	a.u.main.side.show(navTrash)
	a.wait()
	a.tap("Delete forever")
	a.mustShow("“Scratch” will be deleted for good on all your devices.")
	a.tap("Delete forever")
	if _, err := coreA.Get(scratch); err == nil {
		t.Fatal("deleted note still in the core")
	}
	a.mustShow("The trash is empty.")
	a.u.main.side.show(navAll)
	a.wait()
	a.u.main.list.search.SetText("")
	if items := a.u.main.list.model.items; len(items) != 1 || items[0].Title != "Shopping" {
		t.Fatalf("after delete the list is %+v", items)
	}

	// Sync now.
	a.shortcut(scSync)
	a.mustShow("Synced")

	// Lock; a wrong password is refused in words, the right one unlocks.
	a.shortcut(scLock)
	if !coreA.Locked() {
		t.Fatal("Ctrl+L did not lock the core")
	}
	a.mustShow("Cipherleaf is locked")
	a.typeInto(a.entry("Password"), "correct horse")
	a.tap("Unlock")
	a.mustShow(core.Words(core.ErrWrongPassword))
	if !coreA.Locked() {
		t.Fatal("a wrong password unlocked the core")
	}
	pw := a.entry("Password")
	pw.SetText(password)
	a.tap("Unlock")
	if coreA.Locked() {
		t.Fatalf("the right password did not unlock; screen: %q", a.texts())
	}
	a.mustShow("Shopping")

	// Device B signs in and sees the note.
	coreB := realCore(t, "device B")
	b := newHarness(t, coreB, opts)
	setMode(b, "Sign in")
	b.typeInto(b.entry("User name"), "alice")
	b.typeInto(b.entry("Password"), password)
	b.tap("Sign in")
	b.shortcut(scSync)
	b.mustShow("Shopping")
	b.mustShow("milk and honey")
	if b.u.main.editor.id != id {
		b.u.main.open(id)
	}

	// Both devices change the same line; B syncs second (on A's live-push
	// poke or on Ctrl+S, whichever comes first) and gets a conflicted copy.
	a.u.main.open(id)
	a.u.main.editor.body.SetText("oat milk and honey\nbread\neggs")
	a.advance(defaultAutosaveDelay)
	b.u.main.editor.body.SetText("goat milk and honey\nbread\neggs")
	b.advance(defaultAutosaveDelay)
	a.shortcut(scSync)
	b.shortcut(scSync)
	if c := coreB.Conflicts(); len(c) != 1 {
		t.Fatalf("device B has %d conflicts, want 1", len(c))
	}
	b.mustShow("1 conflict to resolve")

	// Resolve it by hand in the resolve view.
	b.tap("1 conflict to resolve")
	b.mustShow("Resolve conflict: Shopping")
	b.mustShow("oat milk and honey")
	b.mustShow("goat milk and honey")
	b.tap("Merge by hand…")
	merged := b.u.win.Canvas().Focused().(*entry)
	merged.SetText("oat milk, goat milk and honey\nbread\neggs")
	b.tap("Save merged version")
	if c := coreB.Conflicts(); len(c) != 0 {
		t.Fatalf("after resolving, %d conflicts remain", len(c))
	}
	b.mustNotShow("conflict to resolve")
	if n, _ := coreB.Get(id); n.Body != "oat milk, goat milk and honey\nbread\neggs" {
		t.Fatalf("device B holds %q after the merge", n.Body)
	}
	b.shortcut(scSync)
	a.shortcut(scSync)
	if n, _ := coreA.Get(id); n.Body != "oat milk, goat milk and honey\nbread\neggs" {
		t.Errorf("device A holds %q after syncing the merge", n.Body)
	}
	if len(coreA.Conflicts()) != 0 {
		t.Errorf("device A sees a conflict after the merge")
	}
}

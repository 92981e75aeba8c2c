package core_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/shared/note"
)

// watcher opens a core on dir (as device does) that looks for other
// processes' commits every 10 ms.
func watcher(t testing.TB, srv *fakeremote.Server, dir string) *core.Core {
	t.Helper()
	return deviceWith(t, srv, dir, func(c *core.Config) { c.WatchEvery = 10 * time.Millisecond })
}

// notesEvents collects the Changed lists of c's EventNotesChanged.
func notesEvents(c *core.Core) (<-chan []string, func()) {
	ch := make(chan []string, 64)
	cancel := c.Subscribe(func(e core.Event) {
		if e.Kind == core.EventNotesChanged {
			ch <- e.Changed
		}
	})
	return ch, cancel
}

// waitChanged waits (10 s at most) for an EventNotesChanged naming id.
func waitChanged(t *testing.T, ch <-chan []string, id, what string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ids := <-ch:
			if slices.Contains(ids, id) {
				return
			}
		case <-deadline:
			t.Fatalf("%s: no EventNotesChanged naming %s within 10 s", what, id)
		}
	}
}

// TestWatchSeesAnotherProcess: two Cores on one profile folder (the app
// and cipherleaf-cli). What one writes, the other shows within its watch
// interval, in List, Get, Search and the pending count, with the event a
// pull sends; a note the other deletes leaves it. Its own writes are not
// reported back to it.
func TestWatchSeesAnotherProcess(t *testing.T) {
	srv := fakeremote.New()
	dir := t.TempDir()
	a := watcher(t, srv, dir)
	register(t, a, srv, "alice", "pw")
	b := watcher(t, srv, dir)
	if err := b.Unlock([]byte("pw")); err != nil {
		t.Fatal(err)
	}
	events, cancel := notesEvents(a)
	defer cancel()

	id, err := b.Create(&note.Note{Title: "from the cli", Body: "zebrafish sighting"})
	if err != nil {
		t.Fatal(err)
	}
	waitChanged(t, events, id, "create in B")
	if n, err := a.Get(id); err != nil || n.Body != "zebrafish sighting" {
		t.Fatalf("A.Get(new note) = %v, %v; want B's body", n, err)
	}
	if got := a.Search("zebrafish"); len(got) != 1 || got[0].ID != id {
		t.Fatalf("A.Search(zebrafish) = %v, want [%s]", got, id)
	}
	if !slices.ContainsFunc(a.List(), func(ni core.NoteInfo) bool { return ni.ID == id }) {
		t.Fatalf("A.List() lacks B's note %s", id)
	}
	if got := a.Status().Pending; got != 1 {
		t.Fatalf("A.Status().Pending = %d, want 1 (B's note)", got)
	}

	n, _ := b.Get(id)
	n.Body = "zebrafish, two of them"
	if err := b.Update(id, n); err != nil {
		t.Fatal(err)
	}
	waitChanged(t, events, id, "edit in B")
	if n, err := a.Get(id); err != nil || n.Body != "zebrafish, two of them" {
		t.Fatalf("A.Get after B's edit = %v, %v; want the edit", n, err)
	}
	if got := a.Search("two"); len(got) != 1 {
		t.Fatalf("A.Search(two) = %v, want B's note", got)
	}

	// A's own write: B sees it; A's watcher does not report it to A.
	bEvents, bCancel := notesEvents(b)
	defer bCancel()
	own := create(t, a, "from the app", "written in A")
	waitChanged(t, bEvents, own, "create in A, seen by B")
	if err := b.Delete(id); err != nil {
		t.Fatal(err)
	}
	waitChanged(t, events, id, "delete in B")
	if _, err := a.Get(id); err == nil {
		t.Fatalf("A.Get(%s) after B deleted it: still there", id)
	}
	if got := a.Search("zebrafish"); len(got) != 0 {
		t.Fatalf("A.Search(zebrafish) after delete = %v, want none", got)
	}
	for {
		select {
		case ids := <-events:
			if slices.Contains(ids, own) {
				t.Fatalf("A's watcher reported A's own note %s: %v", own, ids)
			}
			continue
		default:
		}
		break
	}

	// Both sync: the pulls and pushes of one are not lost on the other.
	mustSync(t, a)
	mustSync(t, b)
	mustSync(t, a)
	if got := bodies(t, a); got["from the app"] != "written in A" || len(got) != 1 {
		t.Fatalf("A's notes after syncs = %v, want only %q", got, "from the app")
	}
	if got := a.Status().Pending; got != 0 {
		t.Fatalf("A.Status().Pending after syncs = %d, want 0", got)
	}
}

// TestWatchStopsOnLock: a locked Core holds no notes; unlocked again, it
// has the other process's writes made meanwhile and follows the next ones.
// (Close waits for the watcher: the package's leak check fails otherwise.)
func TestWatchStopsOnLock(t *testing.T) {
	srv := fakeremote.New()
	dir := t.TempDir()
	a := watcher(t, srv, dir)
	register(t, a, srv, "alice", "pw")
	b := watcher(t, srv, dir)
	if err := b.Unlock([]byte("pw")); err != nil {
		t.Fatal(err)
	}
	a.Lock()
	events, cancel := notesEvents(a)
	defer cancel()
	id := create(t, b, "while A is locked", "x")
	if got := a.List(); len(got) != 0 {
		t.Fatalf("locked A.List() = %v, want nothing", got)
	}
	if err := a.Unlock([]byte("pw")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Get(id); err != nil {
		t.Fatalf("A.Get after unlock: %v", err)
	}
	id2 := create(t, b, "after unlock", "y")
	waitChanged(t, events, id2, "create in B after A's unlock")
}

// TestWatchDoesNotReopenOwnWrites: a Core that writes many notes right
// after it is unlocked (an import, a first pull) does not read and open
// them again in its watcher, which holds the vault's write lock while it
// does. The watcher's first look used to come one interval after unlock,
// and found every row written meanwhile unknown to it. Its first look now
// baseline is read at unlock, before the rows it keeps.
func TestWatchDoesNotReopenOwnWrites(t *testing.T) {
	srv := fakeremote.New()
	a := watcher(t, srv, t.TempDir())
	register(t, a, srv, "alice", "pw")
	n := 0
	for start := time.Now(); n < 300 || time.Since(start) < 250*time.Millisecond; n++ {
		if _, err := a.Create(&note.Note{Title: fmt.Sprint("note ", n), Body: "imported"}); err != nil {
			t.Fatal(err)
		}
	}
	// The watcher looks every 10 ms: give it several looks after the
	// writes (absence of work cannot be awaited, only given time).
	time.Sleep(100 * time.Millisecond)
	if got := core.WatchOpened(a); got != 0 {
		t.Errorf("the watcher reopened %d of this Core's own %d new notes", got, n)
	}
}

package core_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

func TestThreeDevicesOfflineEdits(t *testing.T) {
	srv := fakeremote.New()
	a := device(t, srv, t.TempDir())
	register(t, a, srv, "carol", "pw")
	b := device(t, srv, t.TempDir())
	login(t, b, srv, "carol", "pw")
	c := device(t, srv, t.TempDir())
	login(t, c, srv, "carol", "pw")

	srv.SetDown(true)
	for i, d := range []*core.Core{a, b, c} {
		for j := range 3 {
			create(t, d, fmt.Sprintf("d%d-n%d", i, j), fmt.Sprintf("body %d %d", i, j))
		}
		if _, err := d.Sync(context.Background()); !errors.Is(err, core.ErrOffline) {
			t.Fatalf("device %d Sync offline = %v, want ErrOffline", i, err)
		}
		if st := d.Status(); st.State != core.StateOffline || st.Pending != 3 {
			t.Fatalf("device %d status = %+v, want offline with 3 pending", i, st)
		}
	}
	srv.SetDown(false)
	for range 2 {
		for _, d := range []*core.Core{a, b, c} {
			mustSync(t, d)
		}
	}
	want := bodies(t, a)
	if len(want) != 9 {
		t.Fatalf("device a has %d notes, want 9: %v", len(want), want)
	}
	for i, d := range []*core.Core{b, c} {
		if got := bodies(t, d); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("device %d notes = %v, want %v", i+1, got, want)
		}
		if st := d.Status(); st.State != core.StateSynced || st.Pending != 0 {
			t.Errorf("device %d status = %+v, want synced", i+1, st)
		}
	}
	if n := srv.Count("carol"); n != 9 {
		t.Errorf("server holds %d notes, want 9 (no duplicates)", n)
	}
}

// pair returns two synced devices of one user sharing note id.
func pair(t *testing.T, body string) (*fakeremote.Server, *core.Core, *core.Core, string) {
	srv := fakeremote.New()
	a := device(t, srv, t.TempDir())
	register(t, a, srv, "dave", "pw")
	id := create(t, a, "shared", body)
	mustSync(t, a)
	b := device(t, srv, t.TempDir())
	login(t, b, srv, "dave", "pw")
	if _, err := b.Get(id); err != nil {
		t.Fatalf("b.Get after login: %v", err)
	}
	return srv, a, b, id
}

func edit(t *testing.T, c *core.Core, id string, f func(n *note.Note)) {
	t.Helper()
	n, err := c.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	f(n)
	if err := c.Update(id, n); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentEdits(t *testing.T) {
	base := "line one\nline two\nline three\nline four\nline five\n"
	t.Run("disjoint edits merge", func(t *testing.T) {
		_, a, b, id := pair(t, base)
		edit(t, a, id, func(n *note.Note) { n.Body = strings.Replace(n.Body, "line one", "LINE ONE (a)", 1) })
		edit(t, b, id, func(n *note.Note) { n.Body = strings.Replace(n.Body, "line five", "LINE FIVE (b)", 1) })
		mustSync(t, a)
		rep := mustSync(t, b)
		if rep.Merged != 1 || rep.Conflicts != 0 {
			t.Errorf("b report = %+v, want 1 merged", rep)
		}
		mustSync(t, a)
		want := "LINE ONE (a)\nline two\nline three\nline four\nLINE FIVE (b)\n"
		for name, d := range map[string]*core.Core{"a": a, "b": b} {
			n, _ := d.Get(id)
			if n.Body != want {
				t.Errorf("%s body = %q, want %q", name, n.Body, want)
			}
			if len(d.List()) != 1 {
				t.Errorf("%s has %d notes, want 1", name, len(d.List()))
			}
		}
	})
	t.Run("overlapping edits keep a conflicted copy", func(t *testing.T) {
		_, a, b, id := pair(t, base)
		edit(t, a, id, func(n *note.Note) { n.Body = strings.Replace(n.Body, "line three", "three by a", 1) })
		edit(t, b, id, func(n *note.Note) { n.Body = strings.Replace(n.Body, "line three", "three by b", 1) })
		mustSync(t, a)
		rep := mustSync(t, b)
		if rep.Conflicts != 1 {
			t.Errorf("b report = %+v, want 1 conflict", rep)
		}
		mustSync(t, a)
		for name, d := range map[string]*core.Core{"a": a, "b": b} {
			orig, _ := d.Get(id)
			if !strings.Contains(orig.Body, "three by a") {
				t.Errorf("%s original = %q, want the server's (a's) version", name, orig.Body)
			}
			cs := d.Conflicts()
			if len(cs) != 1 {
				t.Fatalf("%s conflicts = %+v, want 1", name, cs)
			}
			cp, _ := d.Get(cs[0].ID)
			if cp.ConflictOf != id || !strings.Contains(cp.Body, "three by b") {
				t.Errorf("%s copy = %+v, want b's edit as a copy of %s", name, cp, id)
			}
		}
		cs := b.Conflicts()
		if err := b.ResolveConflict(cs[0].ID, &note.Note{Title: "shared", Body: "resolved"}); err != nil {
			t.Fatal(err)
		}
		mustSync(t, b)
		mustSync(t, a)
		if got := bodies(t, a); len(got) != 1 || got["shared"] != "resolved" {
			t.Errorf("a after resolve = %v", got)
		}
	})
	t.Run("edit beats delete", func(t *testing.T) {
		_, a, b, id := pair(t, base)
		if err := a.Delete(id); err != nil {
			t.Fatal(err)
		}
		edit(t, b, id, func(n *note.Note) { n.Body = "kept" })
		mustSync(t, a)
		mustSync(t, b)
		mustSync(t, a)
		for name, d := range map[string]*core.Core{"a": a, "b": b} {
			n, err := d.Get(id)
			if err != nil || n.Body != "kept" {
				t.Errorf("%s: Get = %v, %v; want the edit recreated", name, n, err)
			}
		}
	})
	t.Run("delete loses to a remote edit", func(t *testing.T) {
		_, a, b, id := pair(t, base)
		edit(t, a, id, func(n *note.Note) { n.Body = "edited on a" })
		if err := b.Delete(id); err != nil {
			t.Fatal(err)
		}
		mustSync(t, a)
		mustSync(t, b)
		if n, err := b.Get(id); err != nil || n.Body != "edited on a" {
			t.Errorf("b: Get = %v, %v; want a's edit", n, err)
		}
	})
}

func TestKilledBeforePush(t *testing.T) {
	srv := fakeremote.New()
	dir := t.TempDir()
	a := device(t, srv, dir)
	register(t, a, srv, "erin", "pw")
	id := create(t, a, "unsent", "written then killed")
	a.Close() // no sync: the edit is only in the vault
	if srv.Count("erin") != 0 {
		t.Fatal("server has the note before any sync")
	}
	a = device(t, srv, dir)
	if err := a.Unlock([]byte("pw")); err != nil {
		t.Fatal(err)
	}
	if rep := mustSync(t, a); rep.Pushed != 1 {
		t.Errorf("report = %+v, want 1 pushed", rep)
	}
	if rev, _, _, ok := srv.Note("erin", id); !ok || rev != 1 {
		t.Errorf("server note = rev %d ok %v, want rev 1", rev, ok)
	}
}

func TestTamperAndRollbackLeaveVaultIntact(t *testing.T) {
	t.Run("tampered blob", func(t *testing.T) {
		srv, a, b, id := pair(t, "original")
		edit(t, a, id, func(n *note.Note) { n.Body = "new" })
		mustSync(t, a)
		srv.SetTamper(func(c *protocol.Change) {
			if len(c.Blob) > 40 {
				c.Blob[40] ^= 1
			}
		})
		if _, err := b.Sync(context.Background()); !errors.Is(err, core.ErrTampered) {
			t.Fatalf("Sync = %v, want ErrTampered", err)
		}
		if st := b.Status(); st.State != core.StateError {
			t.Errorf("status = %+v, want error", st)
		}
		if n, _ := b.Get(id); n.Body != "original" {
			t.Errorf("body = %q, want untouched original", n.Body)
		}
		srv.SetTamper(nil)
		mustSync(t, b)
		if n, _ := b.Get(id); n.Body != "new" {
			t.Errorf("after the server heals: body = %q, want new", n.Body)
		}
	})
	t.Run("rollback", func(t *testing.T) {
		srv, a, b, id := pair(t, "v1")
		_, oldBlob, _, _ := srv.Note("dave", id)
		edit(t, a, id, func(n *note.Note) { n.Body = "v2" })
		mustSync(t, a)
		mustSync(t, b)
		srv.Rewind("dave", id, 1, oldBlob)
		if _, err := b.Sync(context.Background()); !errors.Is(err, core.ErrRollback) {
			t.Fatalf("Sync = %v, want ErrRollback", err)
		}
		if n, _ := b.Get(id); n.Body != "v2" {
			t.Errorf("body = %q, want v2 kept", n.Body)
		}
		if w := core.Words(fmt.Errorf("sync: %w", core.ErrRollback)); !strings.Contains(w, "older version") {
			t.Errorf("Words(rollback) = %q", w)
		}
	})
}

func TestEventsAfterPull(t *testing.T) {
	_, a, b, id := pair(t, "x")
	got := make(chan core.Event, 16)
	cancel := b.Subscribe(func(e core.Event) {
		if e.Kind == core.EventNotesChanged {
			got <- e
		}
	})
	defer cancel()
	edit(t, a, id, func(n *note.Note) { n.Body = "y" })
	mustSync(t, a)
	mustSync(t, b)
	select {
	case <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("no EventNotesChanged within 5s after a pull")
	}
}

func TestAutoSyncAfterEdit(t *testing.T) {
	srv, a, b, id := pair(t, "x")
	_ = b
	synced := make(chan struct{}, 16)
	cancel := a.Subscribe(func(e core.Event) {
		if e.Kind == core.EventStatusChanged && e.Status.State == core.StateSynced {
			synced <- struct{}{}
		}
	})
	defer cancel()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	a.StartAutoSync(ctx, time.Hour)
	edit(t, a, id, func(n *note.Note) { n.Body = "auto" })
	deadline := time.After(10 * time.Second)
	for {
		select {
		case <-synced:
			if rev, _, _, _ := srv.Note("dave", id); rev == 2 {
				return
			}
		case <-deadline:
			t.Fatal("edit not pushed by auto-sync within 10s")
		}
	}
}

func TestLockDuringSync(t *testing.T) {
	srv := fakeremote.New()
	a := device(t, srv, t.TempDir())
	register(t, a, srv, "mona", "pw")
	for i := range 1200 {
		create(t, a, fmt.Sprint(i), "body")
	}
	mustSync(t, a)
	b := device(t, srv, t.TempDir())
	login(t, b, srv, "mona", "pw")
	c := device(t, srv, t.TempDir())
	login(t, c, srv, "mona", "pw")
	for i, id := range idsOf(a) {
		edit(t, a, id, func(n *note.Note) { n.Body = fmt.Sprint("edit ", i) })
	}
	mustSync(t, a)
	started := make(chan struct{})
	cancel := c.Subscribe(func(e core.Event) {
		if e.Kind == core.EventStatusChanged && e.Status.State == core.StateSyncing {
			select {
			case <-started:
			default:
				close(started)
			}
		}
	})
	defer cancel()
	errc := make(chan error, 1)
	go func() { _, err := c.Sync(context.Background()); errc <- err }()
	<-started
	c.Lock()
	err := <-errc
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, core.ErrLocked) {
		t.Fatalf("Sync interrupted by Lock = %v, want nil, cancelled or locked", err)
	}
	if err := c.Unlock([]byte("pw")); err != nil {
		t.Fatal(err)
	}
	mustSync(t, c)
	if got, want := bodies(t, c), bodies(t, a); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Error("after the interrupted sync the device differs from a")
	}
}

// TestDetectionLeavesSearchUntouched: a pull whose notes decrypt (and are
// prepared for the search index) but whose feed fails verification must
// leave the index as it was; the same notes are found once a pull verifies.
func TestDetectionLeavesSearchUntouched(t *testing.T) {
	srv, a, b, id := pair(t, "original")
	victim := create(t, a, "victim", "kept")
	mustSync(t, a)
	mustSync(t, b)
	edit(t, a, id, func(n *note.Note) { n.Body = "zzunverified words" })
	edit(t, a, victim, func(n *note.Note) { n.Body = "changed" })
	create(t, a, "zznew note", "zzfresh")
	mustSync(t, a)
	// The victim's change is served as a deletion: every blob still
	// decrypts, but the manifest no longer adds up.
	srv.SetTamper(func(c *protocol.Change) {
		if c.ID == victim {
			c.Blob, c.Deleted = nil, true
		}
	})
	if _, err := b.Sync(context.Background()); !core.IsTamperDetection(err) {
		t.Fatalf("Sync = %v, want a detection", err)
	}
	for _, q := range []string{"zzunverified", "words", "zznew", "zzfresh", "changed"} {
		if got := b.Search(q); len(got) != 0 {
			t.Errorf("after a detection, Search(%q) = %+v, want none", q, got)
		}
	}
	if got := b.Search("original"); len(got) != 1 || got[0].ID != id {
		t.Errorf("after a detection, Search(original) = %+v, want the note as it was", got)
	}
	srv.SetTamper(nil)
	mustSync(t, b)
	if got := b.Search("zzunverified"); len(got) != 1 || got[0].ID != id {
		t.Errorf("after a verified pull, Search(zzunverified) = %+v, want [%s]", got, id)
	}
	if got := b.Search("zzfresh"); len(got) != 1 {
		t.Errorf("after a verified pull, Search(zzfresh) = %+v, want one note", got)
	}
	if got := b.Search("original"); len(got) != 0 {
		t.Errorf("after a verified pull, Search(original) = %+v, want none", got)
	}
}

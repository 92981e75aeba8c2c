package core_test

import (
	"slices"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/cryptobox"
)

// clockedDevice is realDevice with its own clock.
func clockedDevice(t *testing.T, clk *clock) *core.Core {
	t.Helper()
	return namedDevice(t, clk, "e2e")
}

// namedDevice is clockedDevice with a device name.
func namedDevice(t *testing.T, clk *clock, name string) *core.Core {
	t.Helper()
	c, err := core.Open(core.Config{
		ProfileDir: t.TempDir(),
		Policy:     cryptobox.DefaultPolicy,
		NewParams:  floorParams,
		DeviceName: name,
		APITimeout: 5 * time.Second,
		APIRetries: -1,
		Now:        clk.now,
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func listedIDs(c *core.Core) []string {
	var ids []string
	for _, ni := range c.List() {
		ids = append(ids, ni.ID)
	}
	return ids
}

func trashedIDs(c *core.Core) []string {
	var ids []string
	for _, ti := range c.TrashList() {
		ids = append(ids, ti.ID)
	}
	return ids
}

// TestE2ETrash: a note trashed on one device is in the trash (and out of
// the list and search) on the other; untrashing there brings it back on the
// first; after the retention it is purged on every device.
func TestE2ETrash(t *testing.T) {
	s := startServer(t)
	clkA := &clock{t: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	clkB := &clock{t: clkA.t}
	a, b := clockedDevice(t, clkA), clockedDevice(t, clkB)
	realRegister(t, a, s, "trasher", "pw")
	realLogin(t, b, s, "trasher", "pw")
	keep := create(t, a, "keep", "kept note")
	gone := create(t, a, "gone", "findme in the trash")
	mustSync(t, a)
	mustSync(t, b)

	clkA.t = clkA.t.Add(time.Hour)
	if err := a.Trash(gone); err != nil {
		t.Fatalf("Trash: %v", err)
	}
	mustSync(t, a)
	mustSync(t, b)
	for name, d := range map[string]*core.Core{"a": a, "b": b} {
		if got := listedIDs(d); !slices.Equal(got, []string{keep}) {
			t.Errorf("%s: List() = %v, want only %s", name, got, keep)
		}
		if got := d.Search("findme"); len(got) != 0 {
			t.Errorf("%s: Search(findme) = %v, want nothing (trashed)", name, got)
		}
		tl := d.TrashList()
		if len(tl) != 1 || tl[0].ID != gone || tl[0].Title != "gone" || !tl[0].Trashed.Equal(clkA.t) {
			t.Errorf("%s: TrashList() = %+v, want %s trashed at %v", name, tl, gone, clkA.t)
		}
	}

	clkB.t = clkA.t.Add(time.Minute)
	if err := b.Untrash(gone); err != nil {
		t.Fatalf("Untrash: %v", err)
	}
	mustSync(t, b)
	mustSync(t, a)
	if got := listedIDs(a); len(got) != 2 || len(trashedIDs(a)) != 0 {
		t.Fatalf("a after untrash on b: List() = %v, TrashList() = %v, want both listed, empty trash", got, trashedIDs(a))
	}
	if n, err := a.Get(gone); err != nil || n.Body != "findme in the trash" || n.Trashed() {
		t.Fatalf("a: Get(untrashed) = %+v, %v", n, err)
	}

	// Trash again; purge needs the retention (default 30 days) to pass on a device.
	if err := a.Trash(gone); err != nil {
		t.Fatalf("Trash again: %v", err)
	}
	mustSync(t, a)
	clkB.t = clkA.t.Add(29 * 24 * time.Hour)
	mustSync(t, b)
	mustSync(t, b)
	if got := trashedIDs(b); !slices.Equal(got, []string{gone}) {
		t.Fatalf("b after 29 days: TrashList() = %v, want %s still there", got, gone)
	}
	if err := b.SetTrashDays(0); err == nil {
		t.Errorf("SetTrashDays(0) = nil, want an error")
	}
	clkB.t = clkA.t.Add(30*24*time.Hour + time.Second)
	mustSync(t, b) // purges (deletion queued)
	if got := trashedIDs(b); len(got) != 0 {
		t.Fatalf("b after 30 days: TrashList() = %v, want empty", got)
	}
	mustSync(t, b) // pushes the purge
	mustSync(t, a)
	if _, err := a.Get(gone); err == nil {
		t.Errorf("a: Get(purged) = nil error, want not found")
	}
	if got := listedIDs(a); !slices.Equal(got, []string{keep}) {
		t.Errorf("a: List() after purge = %v, want %s", got, keep)
	}
}

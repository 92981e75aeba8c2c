package core_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
)

func trashDays(t *testing.T, c *core.Core) int {
	t.Helper()
	d, err := c.TrashDays()
	if err != nil {
		t.Fatalf("TrashDays: %v", err)
	}
	return d
}

func setTrashDays(t *testing.T, c *core.Core, days int) {
	t.Helper()
	if err := c.SetTrashDays(days); err != nil {
		t.Fatalf("SetTrashDays(%d): %v", days, err)
	}
}

// TestE2ETrashDaysAccount: the retention set on device A reaches device B
// through the server (SPEC §12.5), B purges with A's value, and the
// settings item never shows as a note.
func TestE2ETrashDaysAccount(t *testing.T) {
	s := startServer(t)
	clkA := &clock{t: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	clkB := &clock{t: clkA.t}
	a, b := clockedDevice(t, clkA), clockedDevice(t, clkB)
	realRegister(t, a, s, "retainer", "pw")
	realLogin(t, b, s, "retainer", "pw")
	keep := create(t, a, "keep", "kept note")
	gone := create(t, a, "gone", "trashed note")
	mustSync(t, a)
	mustSync(t, b)
	if got := trashDays(t, b); got != 30 {
		t.Fatalf("b: TrashDays() before any setting = %d, want 30", got)
	}

	setTrashDays(t, a, 7)
	if err := a.Trash(gone); err != nil {
		t.Fatalf("Trash: %v", err)
	}
	mustSync(t, a)
	mustSync(t, b)
	if got := trashDays(t, b); got != 7 {
		t.Fatalf("b: TrashDays() after a set 7 = %d, want 7", got)
	}

	clkB.t = clkA.t.Add(6 * 24 * time.Hour)
	mustSync(t, b)
	if got := trashedIDs(b); !slices.Equal(got, []string{gone}) {
		t.Fatalf("b after 6 days: TrashList() = %v, want %s kept", got, gone)
	}
	clkB.t = clkA.t.Add(7*24*time.Hour + time.Second)
	mustSync(t, b) // purges with a's 7 days, not the default 30
	if got := trashedIDs(b); len(got) != 0 {
		t.Fatalf("b after 7 days: TrashList() = %v, want it purged", got)
	}
	mustSync(t, b)
	mustSync(t, a)
	if _, err := a.Get(gone); err == nil {
		t.Errorf("a: Get(purged by b) = nil error, want not found")
	}

	// The settings item is no note: not listed, searched, trashed, a
	// notebook, or exported; it is still there (a's value holds).
	for name, d := range map[string]*core.Core{"a": a, "b": b} {
		if got := listedIDs(d); !slices.Equal(got, []string{keep}) {
			t.Errorf("%s: List() = %v, want only %s", name, got, keep)
		}
		if got := d.Search(""); len(got) > 1 || (len(got) == 1 && got[0].ID != keep) {
			t.Errorf("%s: Search(\"\") = %v, want at most %s", name, got, keep)
		}
		for _, q := range []string{"settings", "trash_days", "7"} {
			if got := d.Search(q); len(got) != 0 {
				t.Errorf("%s: Search(%q) = %v, want nothing", name, q, got)
			}
		}
		if got := d.TrashList(); len(got) != 0 {
			t.Errorf("%s: TrashList() = %v, want empty", name, got)
		}
		if got := d.Notebooks(); len(got) != 0 {
			t.Errorf("%s: Notebooks() = %v, want none", name, got)
		}
		if got := d.Conflicts(); len(got) != 0 {
			t.Errorf("%s: Conflicts() = %v, want none", name, got)
		}
		dir := t.TempDir()
		if err := d.ExportMarkdown(dir); err != nil {
			t.Fatalf("%s: ExportMarkdown: %v", name, err)
		}
		var files []string
		filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				files = append(files, filepath.Base(p))
			}
			return nil
		})
		if !slices.Equal(files, []string{keep + ".md"}) {
			t.Errorf("%s: ExportMarkdown wrote %v, want only %s.md", name, files, keep)
		}
		if got := trashDays(t, d); got != 7 {
			t.Errorf("%s: TrashDays() = %d, want 7", name, got)
		}
	}

	// A backup keeps the setting: importing it brings the value into an
	// account that has none, never over an account's own, and counts only
	// notes.
	backup := filepath.Join(t.TempDir(), "a.clbackup")
	if err := a.ExportEncrypted(backup); err != nil {
		t.Fatalf("ExportEncrypted: %v", err)
	}
	fresh, own := clockedDevice(t, clkA), clockedDevice(t, clkA)
	realRegister(t, fresh, s, "fresh", "pw2")
	realRegister(t, own, s, "own", "pw3")
	setTrashDays(t, own, 3)
	for name, tc := range map[string]struct {
		d    *core.Core
		want int
	}{"fresh": {fresh, 7}, "own": {own, 3}} {
		n, err := tc.d.Import(backup, []byte("pw"))
		if err != nil || n != 1 {
			t.Errorf("%s: Import(backup) = %d, %v, want 1 note added", name, n, err)
		}
		if got := trashDays(t, tc.d); got != tc.want {
			t.Errorf("%s: TrashDays() after importing a backup set to 7 = %d, want %d", name, got, tc.want)
		}
		if got := len(tc.d.List()); got != 1 {
			t.Errorf("%s: len(List()) after import = %d, want 1", name, got)
		}
	}
}

// TestE2ETrashDaysConcurrent: two devices that set the retention at the
// same time converge on one value, both when they create the settings item
// concurrently and when they edit the same item (SPEC §12.5 conflicts).
func TestE2ETrashDaysConcurrent(t *testing.T) {
	s := startServer(t)
	clkA := &clock{t: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	clkB := &clock{t: clkA.t}
	a, b := clockedDevice(t, clkA), clockedDevice(t, clkB)
	realRegister(t, a, s, "racer", "pw")
	realLogin(t, b, s, "racer", "pw")
	syncAll := func() {
		t.Helper()
		mustSync(t, a)
		mustSync(t, b)
		mustSync(t, a)
	}
	want := func(step string, days int) {
		t.Helper()
		ga, gb := trashDays(t, a), trashDays(t, b)
		if ga != days || gb != days {
			t.Fatalf("%s: TrashDays() = %d on a, %d on b, want %d on both", step, ga, gb, days)
		}
	}

	// Both create a settings item before seeing the other's: the later write wins.
	clkA.t = clkA.t.Add(time.Minute)
	setTrashDays(t, a, 5)
	clkB.t = clkA.t.Add(time.Second)
	setTrashDays(t, b, 60)
	syncAll()
	want("concurrent creation, b later", 60)

	// Both edit the same items; a is later this time.
	clkB.t = clkB.t.Add(time.Minute)
	setTrashDays(t, b, 14)
	clkA.t = clkB.t.Add(time.Second)
	setTrashDays(t, a, 365)
	syncAll()
	want("concurrent edit, a later", 365)

	// At the same instant on both: one value, the same on both.
	clkA.t = clkA.t.Add(time.Minute)
	clkB.t = clkA.t
	setTrashDays(t, a, 3)
	setTrashDays(t, b, 4)
	syncAll()
	if ga, gb := trashDays(t, a), trashDays(t, b); ga != gb || (ga != 3 && ga != 4) {
		t.Fatalf("same instant: TrashDays() = %d on a, %d on b, want one of 3, 4 on both", ga, gb)
	}

	// A later set on one device settles it everywhere.
	clkB.t = clkB.t.Add(time.Minute)
	setTrashDays(t, b, 21)
	syncAll()
	want("later set on b", 21)
	if got := listedIDs(a); len(got) != 0 {
		t.Errorf("a: List() = %v, want no notes (settings items are not notes)", got)
	}
}

// TestE2ETrashDaysMigration: a device-local retention of an earlier
// version becomes the account's once; a second device with another local
// value finds the account's and drops its own (SPEC §12.5, migration).
func TestE2ETrashDaysMigration(t *testing.T) {
	s := startServer(t)
	clkA := &clock{t: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	clkB := &clock{t: clkA.t}
	a, b := clockedDevice(t, clkA), clockedDevice(t, clkB)
	realRegister(t, a, s, "migrator", "pw")
	realLogin(t, b, s, "migrator", "pw")
	for d, days := range map[*core.Core]int{a: 10, b: 20} {
		if err := core.SetLegacyTrashDays(d, days); err != nil {
			t.Fatalf("SetLegacyTrashDays: %v", err)
		}
	}
	mustSync(t, a) // migrates 10
	mustSync(t, a) // pushes it
	mustSync(t, b) // pulls 10, drops its 20
	mustSync(t, a)
	for name, d := range map[string]*core.Core{"a": a, "b": b} {
		if got := trashDays(t, d); got != 10 {
			t.Errorf("%s: TrashDays() after migration = %d, want 10 (the first device to sync)", name, got)
		}
		if has, err := core.HasLegacyTrashDays(d); err != nil || has {
			t.Errorf("%s: device-local trash_days still there = %v, %v, want removed", name, has, err)
		}
	}
	// Migrated once: a later change is not undone by the old local value.
	setTrashDays(t, b, 45)
	mustSync(t, b)
	mustSync(t, a)
	if got := trashDays(t, a); got != 45 {
		t.Errorf("a: TrashDays() after b set 45 = %d, want 45", got)
	}
	if strings.Contains(strings.Join(listedIDs(b), ","), "-") {
		t.Errorf("b: List() = %v, want no items", listedIDs(b))
	}
}

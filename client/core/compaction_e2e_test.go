package core_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/evilproxy"
	"cipherleaf.dev/client/internal/testserver"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// This file covers tombstone compaction end to end (SPEC §7.6, §10.7): the
// real cipherleafd compacts (its `compact` command, run beside the serving
// process), devices catch up by a verified full resync, and a server that
// lies about compaction is caught.

// compactNow runs `cipherleafd compact` on s's data folder with a retention
// of 1ns (every tombstone so far) and returns its output.
func compactNow(t *testing.T, s *testserver.Server) string {
	t.Helper()
	out, err := exec.Command(s.Bin, "compact", "--data", s.DataDir, "--tombstone-retention", "1ns").CombinedOutput()
	if err != nil {
		t.Fatalf("cipherleafd compact: %v\n%s", err, out)
	}
	return string(out)
}

// titled maps title → body of c's notes, failing on a duplicated title.
func titled(t *testing.T, c *core.Core) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, ni := range c.List() {
		n, err := c.Get(ni.ID)
		if err != nil {
			t.Fatalf("Get(%s): %v", ni.ID, err)
		}
		if _, dup := out[n.Title]; dup {
			t.Fatalf("two notes titled %q", n.Title)
		}
		out[n.Title] = n.Body
	}
	return out
}

// offlineRig: A and B share n1…n4 and n6; A goes offline with a pending
// edit of n2 and a pending delete of n6; B deletes n1, n2 and n6, edits n3
// and adds n5; the server then compacts the three tombstones. ids maps
// title → id.
func offlineRig(t *testing.T, s *testserver.Server, a, b *core.Core) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for _, title := range []string{"n1", "n2", "n3", "n4", "n6"} {
		ids[title] = create(t, a, title, title+" body")
	}
	mustSync(t, a)
	mustSync(t, b)
	if err := a.Update(ids["n2"], &note.Note{Title: "n2", Body: "n2 edited offline"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Delete(ids["n6"]); err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"n1", "n2", "n6"} {
		if err := b.Delete(ids[title]); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Update(ids["n3"], &note.Note{Title: "n3", Body: "n3 by b"}); err != nil {
		t.Fatal(err)
	}
	ids["n5"] = create(t, b, "n5", "n5 body")
	mustSync(t, b)
	// Other tests' accounts may have tombstones too: at least these three.
	var n int
	out := compactNow(t, s)
	if _, err := fmt.Sscanf(out, "compacted %d tombstones", &n); err != nil || n < 3 {
		t.Fatalf("compact = %q, want n1's, n2's and n6's tombstones", out)
	}
	return ids
}

// TestE2EOfflinePastRetention: a device offline while deleted notes were
// compacted catches up without alarm and without losing its offline edit.
func TestE2EOfflinePastRetention(t *testing.T) {
	s := startServer(t)
	a, b := direct(t, s, "offline", true), direct(t, s, "offline", false)
	ids := offlineRig(t, s, a, b)

	rep := mustSync(t, a)
	if !rep.Resynced || rep.Removed != 1 || rep.Rescued != 1 || a.Status().Pending != 0 {
		t.Errorf("A's report = %+v (pending %d), want a full resync removing n1, rescuing n2's edit and dropping n6's delete", rep, a.Status().Pending)
	}
	want := map[string]string{"n2": "n2 edited offline", "n3": "n3 by b", "n4": "n4 body", "n5": "n5 body"}
	if got := titled(t, a); !maps.Equal(got, want) {
		t.Fatalf("A = %v, want %v", got, want)
	}
	for _, title := range []string{"n1", "n2", "n6"} {
		if _, err := a.Get(ids[title]); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("A still holds %s under its old id: %v", title, err)
		}
	}
	if rep := mustSync(t, a); rep.Resynced {
		t.Errorf("A's next sync resynced again: %+v", rep)
	}
	mustSync(t, b)
	c := direct(t, s, "offline", false)
	mustSync(t, c)
	for name, d := range map[string]*core.Core{"b": b, "a fresh device": c} {
		if got := titled(t, d); !maps.Equal(got, want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
}

// TestE2EEditOfCompactedTombstone: A sees B's delete of a note it is
// editing and re-creates the note over the tombstone (an edit beats a
// delete), but its push fails; the tombstone is compacted before the next
// push, which the server refuses (current revision 0). The edit moves to a
// new note instead of wedging the sync.
func TestE2EEditOfCompactedTombstone(t *testing.T) {
	s := startServer(t)
	p, err := evilproxy.New(s.URL, s.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	a, b := proxied(t, p, "wedge", true), direct(t, s, "wedge", false)
	id := create(t, a, "doomed", "v1")
	mustSync(t, a)
	mustSync(t, b)
	if err := a.Update(id, &note.Note{Title: "doomed", Body: "kept by a"}); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(id); err != nil {
		t.Fatal(err)
	}
	mustSync(t, b)
	p.Script(evilproxy.Refuse(evilproxy.RouteBatch, http.StatusServiceUnavailable, protocol.CodeInternal))
	if _, err := a.Sync(context.Background()); err == nil {
		t.Fatal("A's sync succeeded with its pushes refused")
	}
	p.Script()
	if out := compactNow(t, s); !strings.HasPrefix(out, "compacted 1 tombstones") {
		t.Fatalf("compact = %q", out)
	}
	rep := mustSync(t, a)
	if rep.Rescued != 1 || a.Status().Pending != 0 {
		t.Errorf("A's report = %+v (pending %d), want the edit rescued and pushed", rep, a.Status().Pending)
	}
	want := map[string]string{"doomed": "kept by a"}
	mustSync(t, b)
	for name, d := range map[string]*core.Core{"a": a, "b": b} {
		if got := titled(t, d); !maps.Equal(got, want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
		if _, err := d.Get(id); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("%s holds the old id: %v", name, err)
		}
	}
}

// TestE2ECompactionTamper: a server that lies about compaction is caught
// with the vault untouched, or costs only a verified full pull.
func TestE2ECompactionTamper(t *testing.T) {
	s := startServer(t)
	p, err := evilproxy.New(s.URL, s.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	tests := []struct {
		name    string
		compact bool // the server really compacts first
		attack  func(ids map[string]string) evilproxy.Attack
		want    error // nil: no alarm, A catches up
	}{
		{"410 although nothing was compacted", false, func(map[string]string) evilproxy.Attack { return evilproxy.FalseCompacted(1) }, nil},
		{"live note dropped from the full resync", true, func(ids map[string]string) evilproxy.Attack { return evilproxy.DropChange(ids["n4"]) }, core.ErrStateMismatch},
		{"edited note dropped from the full resync", true, func(ids map[string]string) evilproxy.Attack { return evilproxy.DropChange(ids["n3"]) }, core.ErrStateMismatch},
		{"compaction without 410", true, func(map[string]string) evilproxy.Attack { return evilproxy.HideCompaction() }, core.ErrStateMismatch},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			user := "tamper" + string(rune('a'+i))
			a, b := proxied(t, p, user, true), direct(t, s, user, false)
			var ids map[string]string
			if tc.compact {
				ids = offlineRig(t, s, a, b)
			} else {
				ids = map[string]string{"n1": create(t, a, "n1", "n1 body"), "n2": create(t, a, "n2", "n2 body")}
				mustSync(t, a)
				mustSync(t, b)
				if err := b.Delete(ids["n1"]); err != nil {
					t.Fatal(err)
				}
				create(t, b, "n3", "n3 body")
				mustSync(t, b)
			}
			before := titled(t, a)
			p.Script(tc.attack(ids))
			rep, err := a.Sync(context.Background())
			p.Script()
			if tc.want == nil {
				if err != nil || !rep.Resynced {
					t.Fatalf("Sync = %+v, %v (%s); want a full resync and no alarm", rep, err, core.Words(err))
				}
				if got, want := titled(t, a), titled(t, b); !maps.Equal(got, want) {
					t.Fatalf("A = %v, want B's %v", got, want)
				}
				return
			}
			if !errors.Is(err, tc.want) || !core.IsTamperDetection(err) {
				t.Fatalf("Sync = %v, want detection %v", err, tc.want)
			}
			if got := titled(t, a); !maps.Equal(got, before) {
				t.Fatalf("A's vault changed by a detected sync: %v, was %v", got, before)
			}
		})
	}
}

// TestE2ECompactedDuringFullResync: the server answers 410 again on the
// second page of the full resync (as a compaction between two pages would):
// the device starts the full pull over and catches up without alarm.
func TestE2ECompactedDuringFullResync(t *testing.T) {
	s := startServer(t)
	p, err := evilproxy.New(s.URL, s.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	a, b := proxied(t, p, "pages", true), direct(t, s, "pages", false)
	create(t, a, "first", "x")
	mustSync(t, a)
	for i := range protocol.DefaultPageLimit + 100 { // two pages from 0
		if _, err := b.Create(&note.Note{Title: fmt.Sprintf("bulk %d", i), Body: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	mustSync(t, b)
	p.Script(evilproxy.FalseCompacted(2))
	rep, err := a.Sync(context.Background())
	if err != nil || !rep.Resynced {
		t.Fatalf("Sync = %+v, %v; want a full resync without alarm", rep, err)
	}
	if got, want := len(a.List()), protocol.DefaultPageLimit+101; got != want {
		t.Fatalf("A has %d notes, want %d", got, want)
	}
	// Both 410s were spent by that sync (the second on the full pull's
	// second page), or this one would meet the second.
	create(t, b, "later", "x")
	mustSync(t, b)
	if rep := mustSync(t, a); rep.Resynced || rep.Pulled != 1 {
		t.Errorf("next sync = %+v, want an ordinary pull of 1", rep)
	}
	p.Script()
}

// TestE2EHonestWithCompaction: three devices make random creates, edits and
// deletes, syncing concurrently, one of them offline for long stretches,
// while the server compacts every tombstone (retention 1ns) now and then,
// during syncs. No sync may fail or report a detection, and every device
// ends with the same notes.
func TestE2EHonestWithCompaction(t *testing.T) {
	s := startServer(t)
	devs := []*core.Core{direct(t, s, "compacting", true), direct(t, s, "compacting", false), direct(t, s, "compacting", false)}
	rng := rand.New(rand.NewPCG(7, 2026))
	ctx := context.Background()
	var mu sync.Mutex
	var syncErrs []error
	resynced, rescued, removed := 0, 0, 0
	syncAll := func(which []int, compact bool) {
		var wg sync.WaitGroup
		if compact {
			wg.Go(func() {
				if out, err := exec.Command(s.Bin, "compact", "--data", s.DataDir, "--tombstone-retention", "1ns").CombinedOutput(); err != nil {
					mu.Lock()
					syncErrs = append(syncErrs, fmt.Errorf("compact: %w: %s", err, out))
					mu.Unlock()
				}
			})
		}
		for _, i := range which {
			wg.Go(func() {
				rep, err := devs[i].Sync(ctx)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					syncErrs = append(syncErrs, fmt.Errorf("device %d: %w", i, err))
				}
				if rep.Resynced {
					resynced++
				}
				rescued += rep.Rescued
				removed += rep.Removed
			})
		}
		wg.Wait()
	}
	const edits = 400
	for e := range edits {
		i := rng.IntN(3)
		if i == 2 && e%200 < 120 {
			i = rng.IntN(2) // device 2 is offline for a while every 200 edits
		}
		d := devs[i]
		list := d.List()
		switch r := rng.IntN(10); {
		case r < 3 || len(list) < 5:
			create(t, d, fmt.Sprintf("n%d", e), fmt.Sprintf("body %d\n", e))
		case r < 7:
			id := list[rng.IntN(len(list))].ID
			n, err := d.Get(id)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			n.Body += fmt.Sprintf("edit %d by %d\n", e, i)
			if err := d.Update(id, n); err != nil && !errors.Is(err, core.ErrNotFound) {
				t.Fatalf("Update: %v", err)
			}
		default:
			if err := d.Delete(list[rng.IntN(len(list))].ID); err != nil && !errors.Is(err, core.ErrNotFound) {
				t.Fatalf("Delete: %v", err)
			}
		}
		if e%7 == 6 {
			var which []int
			for j := range 3 {
				if rng.IntN(2) == 0 && (j != 2 || e%200 >= 120) {
					which = append(which, j)
				}
			}
			syncAll(which, e%21 == 20)
		}
	}
	for round := 0; ; round++ {
		syncAll([]int{0}, false)
		syncAll([]int{1}, false)
		syncAll([]int{2}, false)
		want := snapshot(t, devs[0])
		same := true
		for _, d := range devs {
			if d.Status().Pending != 0 || !maps.Equal(snapshot(t, d), want) {
				same = false
			}
		}
		if same {
			break
		}
		if round == 5 {
			t.Fatalf("devices did not converge after %d rounds", round)
		}
	}
	for _, err := range syncErrs {
		t.Errorf("honest sync failed (false alarm?): %v — %s", err, core.Words(err))
	}
	if resynced == 0 {
		t.Error("no device ever needed a full resync: the compactions did not test the catch-up")
	}
	t.Logf("%d full resyncs (%d notes removed, %d edits kept as new notes), %d notes at the end", resynced, removed, rescued, len(snapshot(t, devs[0])))
}

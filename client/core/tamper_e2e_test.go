package core_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/evilproxy"
	"cipherleaf.dev/client/internal/testserver"
	"cipherleaf.dev/shared/note"
)

// This file runs real *core.Core devices against the real cipherleafd,
// through evilproxy when a test needs a malicious server (SPEC §10).

// proxied opens a device on a fresh profile and signs it in to user through
// the proxy (register when first).
func proxied(t *testing.T, p *evilproxy.Proxy, user string, first bool) *core.Core {
	t.Helper()
	c := realDevice(t, t.TempDir())
	ctx := context.Background()
	var err error
	if first {
		_, err = c.Register(ctx, core.RegisterInput{ServerURL: p.URL(), Pin: p.Fingerprint(), Username: user, Password: []byte("pw")})
	} else {
		err = c.Login(ctx, core.LoginInput{ServerURL: p.URL(), Pin: p.Fingerprint(), Username: user, Password: []byte("pw")})
	}
	if err != nil {
		t.Fatalf("sign in %s: %v", user, err)
	}
	return c
}

// direct signs a device in to user on the server itself.
func direct(t *testing.T, s *testserver.Server, user string, first bool) *core.Core {
	t.Helper()
	c := realDevice(t, t.TempDir())
	if first {
		realRegister(t, c, s, user, "pw")
	} else {
		realLogin(t, c, s, user, "pw")
	}
	return c
}

// snapshot is every note of a device: id → title and body.
func snapshot(t *testing.T, c *core.Core) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, ni := range c.List() {
		n, err := c.Get(ni.ID)
		if err != nil {
			t.Fatalf("Get(%s): %v", ni.ID, err)
		}
		out[ni.ID] = n.Title + "\x00" + n.Body
	}
	return out
}

// TestE2EHonestControl: three devices make 1,000 random creates, edits and
// deletes, syncing concurrently, one of them offline for long stretches. No
// sync may report a detection (or fail at all), and every device ends with
// the same notes.
func TestE2EHonestControl(t *testing.T) {
	s := startServer(t)
	devs := []*core.Core{direct(t, s, "control", true), direct(t, s, "control", false), direct(t, s, "control", false)}
	rng := rand.New(rand.NewPCG(6, 1000))
	ctx := context.Background()
	var mu sync.Mutex
	var syncErrs []error
	syncAll := func(which []int) {
		var wg sync.WaitGroup
		for _, i := range which {
			wg.Go(func() {
				if _, err := devs[i].Sync(ctx); err != nil {
					mu.Lock()
					syncErrs = append(syncErrs, fmt.Errorf("device %d: %w", i, err))
					mu.Unlock()
				}
			})
		}
		wg.Wait()
	}
	const edits = 1000
	for e := range edits {
		i := rng.IntN(3)
		if i == 2 && e%300 < 150 {
			i = rng.IntN(2) // device 2 is offline for a while every 300 edits
		}
		d := devs[i]
		list := d.List()
		switch r := rng.IntN(10); {
		case r < 3 || len(list) < 5:
			if _, err := d.Create(&note.Note{Title: fmt.Sprintf("n%d", e), Body: fmt.Sprintf("line one\nline two %d\nline three\n", e)}); err != nil {
				t.Fatalf("Create: %v", err)
			}
		case r < 8:
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
				if rng.IntN(2) == 0 && (j != 2 || e%300 >= 150) {
					which = append(which, j)
				}
			}
			syncAll(which)
		}
	}
	for round := 0; ; round++ {
		syncAll([]int{0})
		syncAll([]int{1})
		syncAll([]int{2})
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
	if len(snapshot(t, devs[0])) == 0 {
		t.Fatal("no notes left: the random edits did nothing useful")
	}
}

// searchIDs returns the ids Search finds for q, sorted.
func searchIDs(c *core.Core, q string) []string {
	var ids []string
	for _, ni := range c.Search(q) {
		ids = append(ids, ni.ID)
	}
	slices.Sort(ids)
	return ids
}

// errAnyDetection in a row accepts any detection kind.
var errAnyDetection = errors.New("any detection")

// attackRig is one account for one attack: A writes, B is the victim, both
// through the proxy.
type attackRig struct {
	p     *evilproxy.Proxy
	a, b  *core.Core
	ids   map[string]string // title → id
	bSess string
}

func (r *attackRig) edit(t *testing.T, title, body string) {
	t.Helper()
	if err := r.a.Update(r.ids[title], &note.Note{Title: title, Body: body}); err != nil {
		t.Fatalf("Update(%s): %v", title, err)
	}
}

func (r *attackRig) add(t *testing.T, title string) {
	t.Helper()
	r.ids[title] = create(t, r.a, title, title+" body")
}

// newAttackRig: A makes n1…n4 (v1); B signs in; A edits n1 and n2, deletes
// n3, adds n5 (v2); B pulls it; then A edits n2 again, deletes n4 and adds
// n6 (v3), which B has not pulled yet.
func newAttackRig(t *testing.T, p *evilproxy.Proxy, user string) *attackRig {
	t.Helper()
	r := &attackRig{p: p, a: proxied(t, p, user, true), ids: map[string]string{}}
	for _, n := range []string{"n1", "n2", "n3", "n4"} {
		r.add(t, n)
	}
	mustSync(t, r.a)
	r.b = proxied(t, p, user, false)
	r.edit(t, "n1", "n1 v2")
	r.edit(t, "n2", "n2 v2")
	if err := r.a.Delete(r.ids["n3"]); err != nil {
		t.Fatal(err)
	}
	r.add(t, "n5")
	mustSync(t, r.a)
	mustSync(t, r.b)
	r.edit(t, "n2", "n2 v3")
	if err := r.a.Delete(r.ids["n4"]); err != nil {
		t.Fatal(err)
	}
	r.add(t, "n6")
	mustSync(t, r.a)
	sessions, err := r.b.Sessions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sessions {
		if s.Current {
			r.bSess = s.ID
		}
	}
	return r
}

// TestE2ETamperDetected runs every attack of SPEC §10.1 and issue 6 through
// evilproxy in front of the real server against a real device B: each
// detection stops B's sync with its vault untouched; each harmless
// misbehaviour (SPEC §10.6) raises no alarm and B ends with A's notes.
func TestE2ETamperDetected(t *testing.T) {
	s := startServer(t)
	p, err := evilproxy.New(s.URL, s.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	// Another user, so that the proxy has foreign blobs and answers to replay.
	other := proxied(t, p, "other", true)
	create(t, other, "foreign", "not yours")
	mustSync(t, other)
	mustSync(t, other)

	type row struct {
		name string
		// attack scripts the proxy (and may act) once the rig is ready.
		attack func(t *testing.T, r *attackRig)
		want   error // a detection kind, ErrBadResponse, or nil: harmless
		// recovers: once the proxy is honest again B syncs fine (the vault
		// kept nothing of the attack). A fork never recovers: by design.
		recovers bool
	}
	script := func(as ...func(r *attackRig) evilproxy.Attack) func(t *testing.T, r *attackRig) {
		return func(t *testing.T, r *attackRig) {
			var out []evilproxy.Attack
			for _, a := range as {
				out = append(out, a(r).For(r.bSess))
			}
			r.p.Script(out...)
		}
	}
	id := func(title string, f func(string) evilproxy.Attack) func(r *attackRig) evilproxy.Attack {
		return func(r *attackRig) evilproxy.Attack { return f(r.ids[title]) }
	}
	plain := func(a evilproxy.Attack) func(r *attackRig) evilproxy.Attack {
		return func(*attackRig) evilproxy.Attack { return a }
	}
	rows := []row{
		{"dropped note", script(id("n6", evilproxy.DropChange)), core.ErrStateMismatch, true},
		{"rolled-back note, seen", script(plain(evilproxy.StaleCursor()), id("n1", evilproxy.OldRevision)), core.ErrRollback, true},
		{"rolled-back note, not seen", script(id("n2", evilproxy.OldRevision)), core.ErrStateMismatch, true},
		{"swapped blobs", script(func(r *attackRig) evilproxy.Attack { return evilproxy.SwapBlobs(r.ids["n2"], r.ids["n6"]) }), core.ErrTampered, true},
		{"foreign user's blob", script(id("n6", evilproxy.ForeignBlob)), core.ErrTampered, true},
		{"replay after deletion", script(id("n4", evilproxy.ReplayDeleted)), core.ErrStateMismatch, true},
		{"replay after deletion, seen", script(plain(evilproxy.StaleCursor()), id("n3", evilproxy.ReplayDeleted)), core.ErrRollback, true},
		{"manifest rolled back", script(plain(evilproxy.OldManifest(1))), core.ErrManifestRollback, true},
		{"manifest hidden", script(plain(evilproxy.HideManifest())), core.ErrManifestRollback, true},
		{"note id reused with other content", script(id("n6", evilproxy.ReuseID)), core.ErrTampered, true},
		// Another user's feed: its blobs, or its manifest when the replayed
		// page is empty, fail to open as this user's.
		{"wrong user's response", script(plain(evilproxy.WrongUser())), errAnyDetection, true},
		{"truncated body", script(plain(evilproxy.Truncate())), core.ErrBadResponse, true},
		{"fork", func(t *testing.T, r *attackRig) {
			// B is served a snapshot; its write lands there only, while A
			// writes to the real server. Then the views meet: B sees A's.
			if err := r.p.Fork(r.bSess); err != nil {
				t.Fatal(err)
			}
			create(t, r.b, "b on the branch", "x")
			mustSync(t, r.b)
			r.add(t, "n7")
			mustSync(t, r.a)
			r.p.Unfork(r.bSess)
		}, core.ErrFork, false},
		{"reordered pages", func(t *testing.T, r *attackRig) {
			// More than one page (1,000 changes) for B to pull.
			for i := range 1100 {
				create(t, r.a, fmt.Sprintf("bulk %d", i), "x")
			}
			mustSync(t, r.a)
			r.p.Script(evilproxy.ReorderPages().For(r.bSess))
		}, nil, true},
		{"duplicated change", script(id("n6", evilproxy.DuplicateChange)), nil, true},
		{"stale cursor", script(plain(evilproxy.StaleCursor())), nil, true},
	}
	for n, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			p.Script()
			r := newAttackRig(t, p, fmt.Sprintf("victim%d", n))
			tc.attack(t, r)
			before := snapshot(t, r.b)
			found := map[string][]string{}
			for _, q := range []string{"v3", "n6", "n7", "body"} {
				found[q] = searchIDs(r.b, q)
			}
			_, err := r.b.Sync(context.Background())
			p.Script()
			switch {
			case tc.want == nil:
				if err != nil {
					t.Fatalf("Sync = %v (%s), want no alarm", err, core.Words(err))
				}
				if got, want := snapshot(t, r.b), snapshot(t, r.a); !maps.Equal(got, want) {
					t.Fatalf("B = %v, want A's %v", got, want)
				}
				return
			case tc.want == errAnyDetection && !core.IsTamperDetection(err):
				t.Fatalf("Sync = %v, want a detection", err)
			case tc.want != errAnyDetection && !errors.Is(err, tc.want):
				t.Fatalf("Sync = %v, want %v", err, tc.want)
			case tc.want != core.ErrBadResponse && !core.IsTamperDetection(err):
				t.Fatalf("Sync = %v: not a detection", err)
			case r.b.Status().Err == nil || r.b.Status().State != core.StateError:
				t.Fatalf("Status = %+v, want the error", r.b.Status())
			}
			if got := snapshot(t, r.b); !maps.Equal(got, before) {
				t.Fatalf("vault changed by a detected attack:\nbefore %v\nafter  %v", before, got)
			}
			// What the attacked pull fetched (n2 v3, n6, the fork's n7) may
			// have been decrypted and prepared for the index, but never
			// verified: search must find what it found before.
			for q, want := range found {
				if got := searchIDs(r.b, q); !slices.Equal(got, want) {
					t.Fatalf("Search(%q) = %q after a detected attack, want %q as before", q, got, want)
				}
			}
			t.Logf("detected: %v — %s", err, core.Words(err))
			if !tc.recovers {
				if _, err := r.b.Sync(context.Background()); !errors.Is(err, core.ErrFork) {
					t.Fatalf("Sync after the fork = %v, want %v again (no repair)", err, tc.want)
				}
				return
			}
			mustSync(t, r.b)
			if got, want := snapshot(t, r.b), snapshot(t, r.a); !maps.Equal(got, want) {
				t.Fatalf("after an honest sync B = %v, want A's %v", got, want)
			}
		})
	}
}

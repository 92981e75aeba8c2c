package core_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
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

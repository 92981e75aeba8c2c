package ui

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sync"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/testserver"
)

var uiSoakFor = flag.Duration("uisoak", 60*time.Second, "how long TestE2EUISoak types and syncs")

// uiMaxStall is the longest any one UI operation of the soak may take.
const uiMaxStall = 5 * time.Second

// TestE2EUISoak: two devices, each a UI on its own real core, on a real
// cipherleafd whose access tokens live one second. Each types into its
// own note without pause for -uisoak (60 s): keystrokes through the
// editor, an autosave after every few words, "Sync now" now and then,
// and the core's auto-sync every 500 ms underneath. No UI operation
// (typing, autosave, sync) stalls longer than 5 s, no session is revoked,
// and after a last sync both devices hold both notes exactly as typed.
func TestE2EUISoak(t *testing.T) {
	if serverBin == "" {
		t.Skip("end-to-end test skipped under -short")
	}
	srv := testserver.Start(t, serverBin, "--access-ttl", "1s", "--auth-ip-burst", "100000", "--auth-user-burst", "100000",
		"--lockout-after", "0", "--auth-inflight-per-ip", "0")
	const password = "correct horse battery staple"
	cores := []*core.Core{realCore(t, "device A"), realCore(t, "device B")}
	if _, err := cores[0].Register(context.Background(), core.RegisterInput{ServerURL: srv.URL, Pin: srv.Fingerprint,
		Username: "soak", Password: []byte(password)}); err != nil {
		t.Fatalf("Register: %v", err)
	}
	if err := cores[1].Login(context.Background(), core.LoginInput{ServerURL: srv.URL, Pin: srv.Fingerprint,
		Username: "soak", Password: []byte(password)}); err != nil {
		t.Fatalf("Login: %v", err)
	}
	var errMu sync.Mutex
	var expired []error
	failed := 0
	for _, c := range cores {
		defer c.Subscribe(func(e core.Event) {
			if e.Kind != core.EventStatusChanged || e.Status.Err == nil {
				return
			}
			errMu.Lock()
			defer errMu.Unlock()
			failed++
			if errors.Is(e.Status.Err, core.ErrSessionExpired) {
				expired = append(expired, e.Status.Err)
			}
		})()
	}

	// The UIs' own clock drives autosave (advanced by the test); the
	// cores' auto-sync and the tokens' lifetimes run on real time.
	opts := Options{ServerURL: srv.URL, Pin: srv.Fingerprint, SyncEvery: 500 * time.Millisecond}
	devs := make([]*harness, len(cores))
	typed := make([]string, len(cores))
	ids := make([]string, len(cores))
	for i, c := range cores {
		h := newHarness(t, c, opts)
		if h.u.main == nil {
			t.Fatalf("device %d does not open on the notes; screen shows %q", i, h.texts())
		}
		h.shortcut(scNew)
		ed := h.u.main.editor
		h.typeInto(ed.title, fmt.Sprintf("typed on device %d", i))
		h.advance(defaultAutosaveDelay)
		if ed.id == "" {
			t.Fatalf("device %d: the new note was not saved", i)
		}
		devs[i], ids[i] = h, ed.id
	}

	worst := map[string]time.Duration{}
	count := map[string]int{}
	timed := func(kind string, f func()) {
		start := time.Now()
		f()
		d := time.Since(start)
		worst[kind] = max(worst[kind], d)
		count[kind]++
	}
	end := time.Now().Add(*uiSoakFor)
	for n := 0; time.Now().Before(end) && !t.Failed(); n++ {
		for i, h := range devs {
			ed := h.u.main.editor
			if ed.id != ids[i] {
				t.Fatalf("device %d: the editor left its note (now on %q)", i, ed.id)
			}
			word := fmt.Sprintf("w%d ", n)
			if n%8 == 7 {
				word += "\n"
			}
			timed("type", func() { h.typeInto(ed.body, word) })
			typed[i] += word
			if n%3 == 2 {
				timed("autosave", func() { h.advance(defaultAutosaveDelay) })
			}
			if n%25 == 24 {
				timed("sync", func() { h.shortcut(scSync) })
			}
		}
	}

	// Settle: autosave what is left, then each device syncs twice.
	for _, h := range devs {
		timed("autosave", func() { h.advance(defaultAutosaveDelay) })
	}
	for range 2 {
		for _, h := range devs {
			timed("sync", func() { h.shortcut(scSync) })
			// The other device's last push pokes this one, whose
			// auto-sync may be running now: wait for it to settle.
			h.eventuallyShows("Synced", 10*time.Second)
		}
	}
	for kind, d := range worst {
		t.Logf("%s: %d operations, slowest %v", kind, count[kind], d)
		if d > uiMaxStall {
			t.Errorf("a %s took %v, more than %v", kind, d, uiMaxStall)
		}
	}
	errMu.Lock()
	t.Logf("syncs that stopped on an error: %d", failed)
	if len(expired) > 0 {
		t.Errorf("%d syncs saw the session ended, first: %v\nserver log:\n%s", len(expired), expired[0], srv.Logs())
	}
	errMu.Unlock()
	for i, h := range devs {
		h.mustNotShow("Sign in again")
		if got := h.u.main.editor.body.Text; got != typed[i] {
			t.Errorf("device %d's editor holds %d bytes, %d were typed", i, len(got), len(typed[i]))
		}
		for w, c := range cores {
			n, err := c.Get(ids[i])
			if err != nil || n.Body != typed[i] {
				t.Errorf("device %d holds note %d as %d bytes (%v), want the %d typed", w, i, len(n.Body), err, len(typed[i]))
			}
		}
		for _, ni := range cores[i].List() {
			if ni.Conflict {
				t.Errorf("device %d has a conflicted copy %q", i, ni.Title)
			}
		}
	}
	ss, err := cores[0].Sessions(context.Background())
	if err != nil || len(ss) != 2 {
		t.Errorf("Sessions after the soak = %d sessions, %v; want both devices signed in", len(ss), err)
	}
	t.Logf("typed %d and %d bytes", len(typed[0]), len(typed[1]))
}

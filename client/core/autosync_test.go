package core_test

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/client/keystore"
	"cipherleaf.dev/shared/cryptobox"
)

// fakeTimers is a Config.AfterFunc whose time moves only by Advance.
type fakeTimers struct {
	mu  sync.Mutex
	now time.Duration
	ts  []*fakeTimer
}

type fakeTimer struct {
	ft      *fakeTimers
	at, d   time.Duration
	f       func()
	stopped bool
	fired   bool
}

func (ft *fakeTimers) AfterFunc(d time.Duration, f func()) core.Timer {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	t := &fakeTimer{ft: ft, at: ft.now + d, d: d, f: f}
	ft.ts = append(ft.ts, t)
	return t
}

func (t *fakeTimer) Stop() bool {
	t.ft.mu.Lock()
	defer t.ft.mu.Unlock()
	live := !t.stopped && !t.fired
	t.stopped = true
	return live
}

// armed reports whether a live timer of duration d is waiting.
func (ft *fakeTimers) armed(d time.Duration) bool {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	for _, t := range ft.ts {
		if t.d == d && !t.stopped && !t.fired {
			return true
		}
	}
	return false
}

// Advance moves time on by d and runs the timers that came due, in order.
func (ft *fakeTimers) Advance(d time.Duration) {
	ft.mu.Lock()
	ft.now += d
	var due []*fakeTimer
	for _, t := range ft.ts {
		if !t.stopped && !t.fired && t.at <= ft.now {
			t.fired = true
			due = append(due, t)
		}
	}
	ft.mu.Unlock()
	sort.Slice(due, func(i, j int) bool { return due[i].at < due[j].at })
	for _, t := range due {
		t.f()
	}
}

// waitFor polls cond until it holds, or fails the test after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond) // polling, bounded by the deadline
	}
}

// TestAutoSyncClock: the auto-sync loop runs on the injected clock. An
// edit syncs once the debounce has passed on that clock, not before; the
// interval syncs again; nothing waits for real time.
func TestAutoSyncClock(t *testing.T) {
	srv := fakeremote.New()
	ft := &fakeTimers{}
	c, err := core.Open(core.Config{
		ProfileDir: t.TempDir(), Policy: cryptobox.InsecureTestPolicy, NewParams: tinyParams,
		Keyring: keystore.OS{}, DeviceName: "clock",
		Dial:      func(rc core.RemoteConfig) (core.Remote, error) { return srv.Dial(rc), nil },
		Probe:     func(context.Context, string) (string, bool, error) { return srv.Fingerprint, false, nil },
		Debounce:  time.Second,
		AfterFunc: ft.AfterFunc,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	register(t, c, srv, "clocky", "pw")
	synced := make(chan struct{}, 8)
	defer c.Subscribe(func(e core.Event) {
		if e.Kind == core.EventStatusChanged && e.Status.State == core.StateSynced {
			select {
			case synced <- struct{}{}:
			default:
			}
		}
	})()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	c.StartAutoSync(ctx, 10*time.Minute)
	waitFor(t, "the interval timer", func() bool { return ft.armed(10 * time.Minute) })

	create(t, c, "typed", "body")
	waitFor(t, "the debounce timer", func() bool { return ft.armed(time.Second) })
	ft.Advance(999 * time.Millisecond)
	if n := srv.Count("clocky"); n != 0 {
		t.Fatalf("synced %d notes before the debounce passed", n)
	}
	ft.Advance(time.Millisecond)
	select {
	case <-synced:
	case <-time.After(10 * time.Second):
		t.Fatal("no sync after the debounce")
	}
	if n := srv.Count("clocky"); n != 1 {
		t.Fatalf("server holds %d notes after the debounced sync, want 1", n)
	}

	create(t, c, "second", "body")
	waitFor(t, "the second debounce timer", func() bool { return ft.armed(time.Second) })
	ft.Advance(10 * time.Minute) // both the interval and the debounce
	select {
	case <-synced:
	case <-time.After(10 * time.Second):
		t.Fatal("no sync after the interval")
	}
	waitFor(t, "the second note on the server", func() bool { return srv.Count("clocky") == 2 })
	waitFor(t, "the interval timer re-armed", func() bool { return ft.armed(10 * time.Minute) })
}

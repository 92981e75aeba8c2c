package core_test

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
	"cipherleaf.dev/shared/note"
)

var soakFor = flag.Duration("soak", 60*time.Second, "how long TestE2ESoak edits and syncs")

// maxStall is the longest any one operation of the soak may take.
const maxStall = 5 * time.Second

// stallMeter records the slowest operation of each kind.
type stallMeter struct {
	mu    sync.Mutex
	worst map[string]time.Duration
	count map[string]int
}

func (m *stallMeter) time(kind string, f func() error) error {
	start := time.Now()
	err := f()
	d := time.Since(start)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.worst == nil {
		m.worst, m.count = map[string]time.Duration{}, map[string]int{}
	}
	m.worst[kind] = max(m.worst[kind], d)
	m.count[kind]++
	return err
}

// TestE2ESoak: two devices on a server whose access tokens live one
// second make continuous edits (autosave-sized writes), auto-syncs and
// manual syncs for -soak (60 s). No operation stalls longer than 5 s, no
// session is revoked (every refresh presents the live refresh token), and
// at the end both devices hold every device's last edit.
func TestE2ESoak(t *testing.T) {
	if serverBin == "" {
		t.Skip("end-to-end test skipped under -short")
	}
	s := testserver.Start(t, serverBin, "--access-ttl", "1s", "--auth-ip-burst", "100000", "--auth-user-burst", "100000",
		"--lockout-after", "0", "--auth-inflight-per-ip", "0")
	devs := []*core.Core{realDevice(t, t.TempDir()), realDevice(t, t.TempDir())}
	realRegister(t, devs[0], s, "soak", "pw")
	realLogin(t, devs[1], s, "soak", "pw")

	var meter stallMeter
	var errMu sync.Mutex
	var syncErrs []error
	for _, d := range devs {
		defer d.Subscribe(func(e core.Event) {
			if e.Kind == core.EventStatusChanged && e.Status.Err != nil {
				errMu.Lock()
				syncErrs = append(syncErrs, e.Status.Err)
				errMu.Unlock()
			}
		})()
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	for _, d := range devs {
		d.StartAutoSync(ctx, 300*time.Millisecond)
	}

	// Each device types into its own notes; last[i][id] is what it wrote last.
	last := make([]map[string]string, len(devs))
	var wg sync.WaitGroup
	end := time.Now().Add(*soakFor)
	for i, d := range devs {
		last[i] = map[string]string{}
		ids := make([]string, 3)
		for j := range ids {
			ids[j] = create(t, d, fmt.Sprintf("dev%d note%d", i, j), "")
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			pace := time.NewTicker(15 * time.Millisecond) // a fast typist's autosaves
			defer pace.Stop()
			for n := 0; time.Now().Before(end); n++ {
				<-pace.C
				id := ids[n%len(ids)]
				body := fmt.Sprintf("edit %d on device %d", n, i)
				err := meter.time("edit", func() error {
					return d.Update(id, &note.Note{Title: fmt.Sprintf("dev%d note%d", i, n%len(ids)), Body: body})
				})
				if err != nil {
					t.Errorf("device %d edit %d: %v", i, n, err)
					return
				}
				last[i][id] = body
				if n%50 == 0 { // "Sync now" now and then, besides the auto-sync
					meter.time("sync", func() error {
						_, err := d.Sync(context.Background())
						return err
					})
				}
			}
		}()
	}
	wg.Wait()
	// The auto-sync keeps running through the final syncs (they take turns
	// with it); it stops when the test ends.

	// Settle: both devices push their last edits and pull the other's.
	for range 2 {
		for _, d := range devs {
			if err := meter.time("sync", func() error { _, err := d.Sync(context.Background()); return err }); err != nil {
				t.Fatalf("final sync: %v", err)
			}
		}
	}
	for kind, worst := range meter.worst {
		t.Logf("%s: %d operations, slowest %v", kind, meter.count[kind], worst)
		if worst > maxStall {
			t.Errorf("a %s took %v, more than %v", kind, worst, maxStall)
		}
	}
	errMu.Lock()
	for _, err := range syncErrs {
		if errors.Is(err, core.ErrSessionExpired) {
			t.Errorf("a sync saw the session ended: %v\nserver log:\n%s", err, s.Logs())
			break
		}
	}
	t.Logf("syncs that stopped on an error: %d", len(syncErrs))
	errMu.Unlock()
	for i, d := range devs {
		for _, ni := range d.List() {
			if ni.Conflict { // each device edits only its own notes
				t.Errorf("device %d has a conflicted copy %q: %q", i, ni.Title, ni.Snippet)
			}
		}
		got := bodies(t, d)
		for w := range devs {
			for j := range 3 {
				title := fmt.Sprintf("dev%d note%d", w, j)
				want := ""
				for id, b := range last[w] {
					if n, err := devs[w].Get(id); err == nil && n.Title == title {
						want = b
					}
				}
				if got[title] != want {
					t.Errorf("device %d has %q for %s, want its last edit %q", i, got[title], title, want)
				}
			}
		}
	}
	ss, err := devs[0].Sessions(context.Background())
	if err != nil || len(ss) != 2 {
		t.Errorf("Sessions after the soak = %d sessions, %v; want both devices signed in", len(ss), err)
	}
}

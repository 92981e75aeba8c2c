package core_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/cryptobox"
)

// BenchmarkFollowEdit10k: another process (a second Core on the profile)
// edits one of 10,000 notes; the time until this Core has sent the
// EventNotesChanged naming it. It looks every 5 ms here (every second in
// the app), so the figure is the look's work on 10,000 rows (read, hash,
// open the changed one, index) plus up to 5 ms of waiting.
func BenchmarkFollowEdit10k(b *testing.B) {
	f := fixture(b)
	dir := copyDir(b, f.full)
	open := func(every time.Duration) *core.Core {
		c, err := core.Open(core.Config{ProfileDir: dir, Policy: cryptobox.DefaultPolicy, NewParams: floorParams, DeviceName: "bench", WatchEvery: every})
		if err != nil {
			b.Fatal(err)
		}
		if err := c.UnlockWithDevice(); err != nil {
			b.Fatal(err)
		}
		return c
	}
	a := open(5 * time.Millisecond)
	defer a.Close()
	other := open(-1)
	defer other.Close()
	ids := a.List()
	got := make(chan []string, 16)
	defer a.Subscribe(func(e core.Event) {
		if e.Kind == core.EventNotesChanged {
			got <- e.Changed
		}
	})()
	var lat []time.Duration
	i := 0
	for b.Loop() {
		id := ids[i%len(ids)].ID
		i++
		n, err := other.Get(id)
		if err != nil {
			b.Fatal(err)
		}
		n.Body = fmt.Sprint("edited ", i)
		if err := other.Update(id, n); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
	wait:
		for {
			select {
			case ch := <-got:
				if slices.Contains(ch, id) {
					break wait
				}
			case <-time.After(30 * time.Second):
				b.Fatalf("edit %d not followed within 30 s", i)
			}
		}
		lat = append(lat, time.Since(start))
		if n, _ := a.Get(id); n.Body != fmt.Sprint("edited ", i) {
			b.Fatalf("A holds %q", n.Body)
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
}

package core_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/testserver"
	"cipherleaf.dev/shared/note"
)

// BenchmarkPushVisible: device A edits a note and syncs; device B, whose
// auto-sync polls once a day, holds the edit once the server's poke made
// it pull (SPEC §7.10.1). Reported: edit-p50/p95-ms from A's sync start
// (A's push + poke + B's pull and decrypt), poke-p50/p95-ms from A's push
// answered. Goal: edit-p95 ≤ 100 ms on loopback.
func BenchmarkPushVisible(b *testing.B) {
	if serverBin == "" {
		b.Skip("needs the server binary (not under -short)")
	}
	s := testserver.Start(b, serverBin, "--auth-ip-burst", "1000", "--auth-user-burst", "1000", "--lockout-after", "0")
	a, bb := benchDevice(b, b.TempDir()), benchDevice(b, b.TempDir())
	defer a.Close()
	defer bb.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := a.Register(ctx, core.RegisterInput{ServerURL: s.URL, Pin: s.Fingerprint, Username: "pushbench", Password: []byte("pw")}); err != nil {
		b.Fatal(err)
	}
	if err := bb.Login(ctx, core.LoginInput{ServerURL: s.URL, Pin: s.Fingerprint, Username: "pushbench", Password: []byte("pw")}); err != nil {
		b.Fatal(err)
	}
	id, err := a.Create(&note.Note{Title: "pushed", Body: "0"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.Sync(ctx); err != nil {
		b.Fatal(err)
	}
	seen := make(chan struct{}, 1)
	unsub := bb.Subscribe(func(e core.Event) {
		if slices.Contains(e.Changed, id) {
			select {
			case seen <- struct{}{}:
			default:
			}
		}
	})
	defer unsub()
	bb.StartAutoSync(ctx, 24*time.Hour)
	visible := func(body string) {
		deadline := time.After(30 * time.Second)
		for {
			if n, err := bb.Get(id); err == nil && n.Body == body {
				return
			}
			select {
			case <-seen:
			case <-deadline:
				b.Fatalf("B never saw body %q", body)
			}
		}
	}
	visible("0")
	edit, poke := make([]time.Duration, 0, b.N), make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		body := fmt.Sprint(i + 1)
		if err := a.Update(id, &note.Note{Title: "pushed", Body: body}); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if _, err := a.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		pushed := time.Now()
		visible(body)
		edit = append(edit, time.Since(start))
		poke = append(poke, time.Since(pushed))
	}
	b.StopTimer()
	pct := func(ds []time.Duration, p float64) float64 {
		ds = slices.Clone(ds)
		slices.Sort(ds)
		return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(edit, 0.50), "edit-p50-ms")
	b.ReportMetric(pct(edit, 0.95), "edit-p95-ms")
	b.ReportMetric(pct(poke, 0.50), "poke-p50-ms")
	b.ReportMetric(pct(poke, 0.95), "poke-p95-ms")
}

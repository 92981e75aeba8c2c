package core_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/testserver"
	"cipherleaf.dev/shared/note"
)

// bigFile writes n random bytes to a file in dir without holding them.
func bigFile(b *testing.B, dir string, n int64) string {
	b.Helper()
	p := filepath.Join(dir, "big.bin")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.CopyN(f, rand.Reader, n); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return p
}

// rssKB reads a field of /proc/PID/status in KiB; resetPeak clears VmHWM.
func rssKB(b *testing.B, pid, field string) int64 {
	f, err := os.Open("/proc/" + pid + "/status")
	if err != nil {
		b.Skipf("no /proc: %v", err) // not Linux: the RSS figures need /proc
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

func resetPeak(pid string) { os.WriteFile("/proc/"+pid+"/clear_refs", []byte("5"), 0) }

// requestCount sums the server's request counter from its metrics
// address, over the series whose labels contain every one of labels
// (e.g. `route="/api/v1/events"`; none: all requests).
func requestCount(tb testing.TB, metricsAddr string, labels ...string) float64 {
	resp, err := http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var sum float64
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "cipherleaf_http_requests_total{") && hasAll(line, labels) {
			f := strings.Fields(line)
			v, _ := strconv.ParseFloat(f[len(f)-1], 64)
			sum += v
		}
	}
	return sum
}

func hasAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func freeAddr(tb testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func benchDevices(b *testing.B, extra ...string) (*testserver.Server, *core.Core, *core.Core, string) {
	b.Helper()
	if serverBin == "" {
		b.Skip("needs cipherleafd (not under -short)")
	}
	args := append([]string{"--auth-ip-burst", "1000", "--auth-user-burst", "1000", "--lockout-after", "0", "--max-attachment", "2GiB", "--quota", "0"}, extra...)
	s := testserver.Start(b, serverBin, args...)
	user := fmt.Sprintf("bench%d", time.Now().UnixNano()%1e9)
	mk := func() *core.Core {
		c, err := core.Open(core.Config{ProfileDir: b.TempDir(), NewParams: floorParams, DeviceName: "bench", APIRetries: -1})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { c.Close() })
		return c
	}
	a, d := mk(), mk()
	ctx := context.Background()
	info, err := a.ProbeServer(ctx, s.URL)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.Register(ctx, core.RegisterInput{ServerURL: s.URL, Pin: info.Fingerprint, Username: user, Password: []byte("pw")}); err != nil {
		b.Fatal(err)
	}
	if err := d.Login(ctx, core.LoginInput{ServerURL: s.URL, Pin: info.Fingerprint, Username: user, Password: []byte("pw")}); err != nil {
		b.Fatal(err)
	}
	return s, a, d, user
}

// roundTrip attaches a file of size bytes on device A, uploads it, and
// downloads and verifies it on device B; it reports MB/s of the whole
// round trip and, for memory, the peak RSS growth of this process (both
// clients) and of the server.
func roundTrip(b *testing.B, size int64) {
	s, a, d, _ := benchDevices(b)
	ctx := context.Background()
	file := bigFile(b, b.TempDir(), size)
	id, err := a.Create(&note.Note{Title: "big"})
	if err != nil {
		b.Fatal(err)
	}
	self, srv := strconv.Itoa(os.Getpid()), strconv.Itoa(s.Pid())
	baseSelf, baseSrv := rssKB(b, self, "VmRSS"), rssKB(b, srv, "VmRSS")
	resetPeak(self)
	resetPeak(srv)
	b.ResetTimer()
	start := time.Now()
	// Where the round trip's time goes, per phase (seconds per op).
	var phase [4]time.Duration
	lap := func(i int, t0 time.Time) time.Time { now := time.Now(); phase[i] += now.Sub(t0); return now }
	for i := 0; i < b.N; i++ {
		t := time.Now()
		attID, err := a.Attach(id, file)
		if err != nil {
			b.Fatal(err)
		}
		t = lap(0, t)
		if _, err := a.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		t = lap(1, t)
		if _, err := d.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		t = lap(2, t)
		if err := d.SaveAttachment(ctx, id, attID, filepath.Join(b.TempDir(), "out"), nil); err != nil {
			b.Fatal(err)
		}
		lap(3, t)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(size)*float64(b.N)/1e6/elapsed.Seconds(), "MB/s")
	for i, name := range []string{"attach-s", "upload-s", "pull-s", "download-s"} {
		b.ReportMetric(phase[i].Seconds()/float64(b.N), name)
	}
	// Compare with BenchmarkAttachmentChunkAEAD in shared/cryptobox (single-core
	// XChaCha20-Poly1305 on 64 KiB chunks), run by the same make bench.
	b.ReportMetric(float64(rssKB(b, self, "VmHWM")-baseSelf)/1024, "client-rss-growth-MB")
	b.ReportMetric(float64(rssKB(b, srv, "VmHWM")-baseSrv)/1024, "server-rss-growth-MB")
}

func BenchmarkAttachmentRoundTrip256MiB(b *testing.B) { roundTrip(b, 256<<20) }

func BenchmarkAttachmentRoundTrip1GiB(b *testing.B) { roundTrip(b, 1<<30) }

// BenchmarkAttachmentManySmall: 1,000 images of 100 KiB attached on A (10
// notes of 100: a note holds at most 256), synced, then fetched by a fresh
// device B.
func BenchmarkAttachmentManySmall(b *testing.B) {
	const n, size = 1000, 100 << 10
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		maddr := freeAddr(b)
		_, a, d, _ := benchDevices(b, "--metrics-addr", maddr)
		ctx := context.Background()
		dir := b.TempDir()
		var ids []string
		for j := 0; j < n; j++ {
			if j%100 == 0 {
				id, err := a.Create(&note.Note{Title: fmt.Sprint("album ", j/100)})
				if err != nil {
					b.Fatal(err)
				}
				ids = append(ids, id)
			}
			id := ids[len(ids)-1]
			p := filepath.Join(dir, fmt.Sprintf("img%04d.png", j))
			f, _ := os.Create(p)
			io.CopyN(f, rand.Reader, size)
			f.Close()
			if _, err := a.Attach(id, p); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		r0 := requestCount(b, maddr)
		start := time.Now()
		if _, err := a.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		up := time.Since(start)
		r1 := requestCount(b, maddr)
		start = time.Now()
		if _, err := d.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		got := 0
		for _, id := range ids {
			list, err := d.Attachments(id)
			if err != nil {
				b.Fatal(err)
			}
			got += len(list)
			for _, at := range list {
				if err := d.FetchAttachment(ctx, id, at.ID, nil); err != nil {
					b.Fatal(err)
				}
			}
		}
		if got != n {
			b.Fatalf("B sees %d attachments, want %d", got, n)
		}
		down := time.Since(start)
		r2 := requestCount(b, maddr)
		b.ReportMetric(up.Seconds(), "upload-s")
		b.ReportMetric(down.Seconds(), "fresh-device-s")
		// Counted by the server; its --metrics-addr listener does not
		// count the reads of /metrics.
		b.ReportMetric(r1-r0, "upload-requests")
		b.ReportMetric(r2-r1, "fresh-device-requests")
	}
}

package core_test

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cipherleaf.dev/client/apiclient"
	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/testserver"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

const benchNotes = 10000

// benchFixture is one server with an account holding 10,000 notes of 1 KiB,
// built once per test binary because pushing them takes a while.
type benchFixture struct {
	srv      *testserver.Server
	fresh    string // profile of a device signed in before any note existed
	full     string // profile of the device that wrote them (device key remembered)
	nextUser int
}

var (
	benchOnce sync.Once
	bench     *benchFixture
	benchErr  error
)

// fixture builds the shared benchmark fixture with b as its owner for
// failures; its server and files live until the process exits.
func fixture(b *testing.B) *benchFixture {
	if serverBin == "" {
		b.Skip("needs the server binary (not under -short)")
	}
	benchOnce.Do(func() { bench, benchErr = buildFixture(b) })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return bench
}

func buildFixture(b *testing.B) (*benchFixture, error) {
	root, err := os.MkdirTemp("", "cipherleaf-bench")
	if err != nil {
		return nil, err
	}
	testserver.AtExit(func() { os.RemoveAll(root) })
	f := &benchFixture{fresh: filepath.Join(root, "fresh"), full: filepath.Join(root, "full")}
	// The server outlives this benchmark: it belongs to the process.
	f.srv = testserver.Start(keepAlive{b}, serverBin, "--access-ttl", "2h", "--auth-ip-burst", "100000", "--auth-user-burst", "100000", "--lockout-after", "0")
	a := benchDevice(b, f.full)
	if _, err := a.Register(context.Background(), core.RegisterInput{ServerURL: f.srv.URL, Pin: f.srv.Fingerprint, Username: "bench", Password: []byte("pw")}); err != nil {
		return nil, err
	}
	fresh := benchDevice(b, f.fresh)
	if err := fresh.Login(context.Background(), core.LoginInput{ServerURL: f.srv.URL, Pin: f.srv.Fingerprint, Username: "bench", Password: []byte("pw")}); err != nil {
		return nil, err
	}
	fresh.Close()
	body := strings.Repeat("lorem ipsum dolor sit amet ", 38)[:1000]
	for i := range benchNotes {
		if _, err := a.Create(&note.Note{Title: fmt.Sprintf("note %05d", i), Body: fmt.Sprintf("%s %d", body, i), Tags: []string{"bench"}}); err != nil {
			return nil, err
		}
	}
	if _, err := a.Sync(context.Background()); err != nil {
		return nil, err
	}
	if err := a.RememberDevice(true); err != nil {
		return nil, err
	}
	return f, a.Close()
}

// keepAlive is a testing.TB whose cleanups run when the test binary's
// benchmarks have all finished (testserver.AtExit), not when the
// benchmark that built the fixture ends.
type keepAlive struct{ testing.TB }

func (keepAlive) Cleanup(f func()) { testserver.AtExit(f) }
func (k keepAlive) TempDir() string {
	d, err := os.MkdirTemp("", "cipherleaf-bench")
	if err != nil {
		k.Fatal(err)
	}
	testserver.AtExit(func() { os.RemoveAll(d) })
	return d
}

func benchDevice(b testing.TB, dir string) *core.Core {
	c, _ := benchDeviceRemote(b, dir)
	return c
}

// benchDeviceRemote is benchDevice that also returns the remote the device
// dials (set once it signs in), to time the server alone on the same
// account.
func benchDeviceRemote(b testing.TB, dir string) (*core.Core, *core.Remote) {
	var remote core.Remote
	c, err := core.Open(core.Config{ProfileDir: dir, Policy: cryptobox.DefaultPolicy, NewParams: floorParams, DeviceName: "bench", APITimeout: 30 * time.Second,
		Dial: func(rc core.RemoteConfig) (core.Remote, error) {
			r, err := apiclient.New(rc)
			remote = r
			return r, err
		}})
	if err != nil {
		b.Fatal(err)
	}
	return c, &remote
}

// serverPull pages the whole account down with the device's own remote
// and nothing else: what the pull costs without the client's work
// (decrypt, verify, vault, index). The remote's JSON decoding is counted.
func serverPull(b *testing.B, r core.Remote) time.Duration {
	start := time.Now()
	since, n := uint64(0), 0
	for {
		p, err := r.Changes(context.Background(), since, protocol.DefaultPageLimit)
		if err != nil {
			b.Fatal(err)
		}
		n += len(p.Changes)
		since = p.Next
		if !p.More {
			break
		}
	}
	d := time.Since(start)
	if n != benchNotes {
		b.Fatalf("server pull: %d changes, want %d", n, benchNotes)
	}
	return d
}

// envelopeSize is the size of the first blob r's account holds.
func envelopeSize(b *testing.B, r core.Remote) int {
	p, err := r.Changes(context.Background(), 0, 1)
	if err != nil || len(p.Changes) == 0 {
		b.Fatalf("first change: %+v, %v", p, err)
	}
	return len(p.Changes[0].Blob)
}

// serverPush writes benchNotes blobs of size bytes in batches of
// protocol.MaxBatchOps with remote r, without a manifest: what the push
// costs the server and the wire alone.
func serverPush(b *testing.B, r core.Remote, size int) time.Duration {
	blob := make([]byte, size)
	var batches []protocol.BatchRequest
	for i := 0; i < benchNotes; i += protocol.MaxBatchOps {
		var req protocol.BatchRequest
		for j := i; j < min(i+protocol.MaxBatchOps, benchNotes); j++ {
			req.Ops = append(req.Ops, protocol.BatchOp{Op: protocol.OpPut, ID: fmt.Sprintf("22222222-0000-4000-8000-%012d", j), Blob: blob})
		}
		batches = append(batches, req)
	}
	start := time.Now()
	for _, req := range batches {
		resp, err := r.Batch(context.Background(), req)
		if err != nil || !resp.Applied {
			b.Fatalf("server push: %+v, %v", resp, err)
		}
	}
	return time.Since(start)
}

// copyDir copies the profile folder src, subfolders (attachments) too,
// into a new temporary folder, files 0600 and folders 0700.
func copyDir(b *testing.B, src string) string {
	dst := b.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		b.Fatal(err)
	}
	return dst
}

// BenchmarkPullFresh10k: a signed-in device with an empty vault pulls
// 10,000 notes of 1 KiB, decrypts and indexes them (KDF excluded).
//
// client/server is the pull's time divided by the time of paging the same
// 10,000 changes down with the same remote and nothing else, measured
// right after it: the client's own overhead, which should stay small.
// client-cpu-ms is the CPU time the client process used for the pull,
// which other work on the machine does not inflate as it does wall time.
func BenchmarkPullFresh10k(b *testing.B) {
	f := fixture(b)
	var client, server, cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		c, remote := benchDeviceRemote(b, copyDir(b, f.fresh))
		if err := c.Unlock([]byte("pw")); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start, cpu0 := time.Now(), processCPU()
		// Labelled (with the goroutines it starts) so that a CPU profile
		// of this benchmark shows the pull alone: -tagfocus phase=pull.
		var err error
		pprof.Do(context.Background(), pprof.Labels("phase", "pull"), func(ctx context.Context) {
			_, err = c.Sync(ctx)
		})
		if err != nil {
			b.Fatal(err)
		}
		client += time.Since(start)
		cpu += processCPU() - cpu0
		b.StopTimer()
		server += serverPull(b, *remote)
		if n := len(c.List()); n != benchNotes {
			b.Fatalf("pulled %d notes, want %d", n, benchNotes)
		}
		if got := c.Search("\"note 04242\""); len(got) != 1 {
			b.Fatalf("search after pull = %d hits", len(got))
		}
		c.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(server.Milliseconds())/float64(b.N), "server-only-ms/op")
	b.ReportMetric(float64(client)/float64(server), "client/server")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "client-cpu-ms/op")
}

// BenchmarkPush10k: a device pushes 10,000 new notes of 1 KiB (the local
// writes happen before the timer starts; they are reported separately).
// client/server divides the push's time by the time the same remote takes
// to write 10,000 blobs of the same size in the same batches without a
// manifest, measured right after it. server-only-cpu-ms is the CPU time
// the server process used for that (serverCPU), which other work on the
// machine does not inflate as it does server-only-ms.
func BenchmarkPush10k(b *testing.B) {
	f := fixture(b)
	body := strings.Repeat("x", 1000)
	var local, client, server, cpu, srvCPU time.Duration
	for b.Loop() {
		b.StopTimer()
		f.nextUser++
		c, remote := benchDeviceRemote(b, b.TempDir())
		if _, err := c.Register(context.Background(), core.RegisterInput{ServerURL: f.srv.URL, Pin: f.srv.Fingerprint, Username: fmt.Sprintf("pusher%d", f.nextUser), Password: []byte("pw")}); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		for i := range benchNotes {
			if _, err := c.Create(&note.Note{Title: fmt.Sprint(i), Body: body}); err != nil {
				b.Fatal(err)
			}
		}
		local += time.Since(start)
		b.StartTimer()
		start, cpu0 := time.Now(), processCPU()
		// Labelled like the pull's: -tagfocus phase=push.
		var rep core.SyncReport
		var err error
		pprof.Do(context.Background(), pprof.Labels("phase", "push"), func(ctx context.Context) {
			rep, err = c.Sync(ctx)
		})
		client += time.Since(start)
		cpu += processCPU() - cpu0
		b.StopTimer()
		if err != nil || rep.Pushed != benchNotes {
			b.Fatalf("Sync = %+v, %v", rep, err)
		}
		// The same number of blobs, of the size the client sent, by the
		// same remote in the same batch size, without a manifest.
		size := envelopeSize(b, *remote)
		scpu0 := serverCPU(f.srv.Pid())
		server += serverPush(b, *remote, size)
		srvCPU += serverCPU(f.srv.Pid()) - scpu0
		c.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(local.Milliseconds())/float64(b.N), "local-writes-ms/op")
	b.ReportMetric(float64(server.Milliseconds())/float64(b.N), "server-only-ms/op")
	b.ReportMetric(float64(client)/float64(server), "client/server")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "client-cpu-ms/op")
	b.ReportMetric(float64(srvCPU.Milliseconds())/float64(b.N), "server-only-cpu-ms/op")
}

// BenchmarkEditVisible: an edit on A, A's sync, B's sync; p50 of the whole.
func BenchmarkEditVisible(b *testing.B) {
	f := fixture(b)
	f.nextUser++
	user := fmt.Sprintf("editor%d", f.nextUser)
	a := benchDevice(b, b.TempDir())
	defer a.Close()
	if _, err := a.Register(context.Background(), core.RegisterInput{ServerURL: f.srv.URL, Pin: f.srv.Fingerprint, Username: user, Password: []byte("pw")}); err != nil {
		b.Fatal(err)
	}
	id, _ := a.Create(&note.Note{Title: "live", Body: "0"})
	a.Sync(context.Background())
	d := benchDevice(b, b.TempDir())
	defer d.Close()
	if err := d.Login(context.Background(), core.LoginInput{ServerURL: f.srv.URL, Pin: f.srv.Fingerprint, Username: user, Password: []byte("pw")}); err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	i := 0
	for b.Loop() {
		i++
		want := fmt.Sprint(i)
		start := time.Now()
		if err := a.Update(id, &note.Note{Title: "live", Body: want}); err != nil {
			b.Fatal(err)
		}
		if _, err := a.Sync(context.Background()); err != nil {
			b.Fatal(err)
		}
		if _, err := d.Sync(context.Background()); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		if n, _ := d.Get(id); n.Body != want {
			b.Fatalf("B sees %q, want %q", n.Body, want)
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
}

// BenchmarkOpenUnlock10k: open the vault and unlock 10,000 notes with the
// remembered device key (no KDF), decrypted and indexed.
func BenchmarkOpenUnlock10k(b *testing.B) {
	f := fixture(b)
	dir := copyDir(b, f.full)
	for b.Loop() {
		c := benchDevice(b, dir)
		if err := c.UnlockWithDevice(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if n := len(c.List()); n != benchNotes {
			b.Fatalf("%d notes, want %d", n, benchNotes)
		}
		c.Close()
		b.StartTimer()
	}
}

// BenchmarkSearch10k: one query over 10,000 notes.
func BenchmarkSearch10k(b *testing.B) {
	f := fixture(b)
	c := benchDevice(b, copyDir(b, f.full))
	defer c.Close()
	if err := c.UnlockWithDevice(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if got := c.Search("lorem 4242"); len(got) == 0 {
			b.Fatal("no hits")
		}
	}
}

package core_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/testserver"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
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

// keepAlive is a testing.TB whose cleanups never run (process lifetime).
type keepAlive struct{ testing.TB }

func (keepAlive) Cleanup(func()) {}
func (k keepAlive) TempDir() string {
	d, err := os.MkdirTemp("", "cipherleaf-bench")
	if err != nil {
		k.Fatal(err)
	}
	return d
}

func benchDevice(b testing.TB, dir string) *core.Core {
	c, err := core.Open(core.Config{ProfileDir: dir, Policy: cryptobox.DefaultPolicy, NewParams: floorParams, DeviceName: "bench", APITimeout: 30 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func copyDir(b *testing.B, src string) string {
	dst := b.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		in, err := os.Open(filepath.Join(src, e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		out, err := os.OpenFile(filepath.Join(dst, e.Name()), os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(out, in); err != nil {
			b.Fatal(err)
		}
		in.Close()
		out.Close()
	}
	return dst
}

// BenchmarkPullFresh10k: a signed-in device with an empty vault pulls
// 10,000 notes of 1 KiB, decrypts and indexes them (KDF excluded).
func BenchmarkPullFresh10k(b *testing.B) {
	f := fixture(b)
	for b.Loop() {
		b.StopTimer()
		c := benchDevice(b, copyDir(b, f.fresh))
		if err := c.Unlock([]byte("pw")); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := c.Sync(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if n := len(c.List()); n != benchNotes {
			b.Fatalf("pulled %d notes, want %d", n, benchNotes)
		}
		if got := c.Search("\"note 04242\""); len(got) != 1 {
			b.Fatalf("search after pull = %d hits", len(got))
		}
		c.Close()
		b.StartTimer()
	}
}

// BenchmarkPush10k: a device pushes 10,000 new notes of 1 KiB (the local
// writes happen before the timer starts; they are reported separately).
func BenchmarkPush10k(b *testing.B) {
	f := fixture(b)
	body := strings.Repeat("x", 1000)
	var local time.Duration
	for b.Loop() {
		b.StopTimer()
		f.nextUser++
		c := benchDevice(b, b.TempDir())
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
		rep, err := c.Sync(context.Background())
		b.StopTimer()
		if err != nil || rep.Pushed != benchNotes {
			b.Fatalf("Sync = %+v, %v", rep, err)
		}
		c.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(local.Milliseconds())/float64(b.N), "local-writes-ms/op")
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

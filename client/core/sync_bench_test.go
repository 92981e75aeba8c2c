package core_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"cipherleaf.dev/client/apiclient"
	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// countingRemote records the size of every manifest a device sends.
type countingRemote struct {
	core.Remote
	mu    sync.Mutex
	bytes int // manifest blob bytes of the last batch
}

func (r *countingRemote) Batch(ctx context.Context, req protocol.BatchRequest) (*protocol.BatchResponse, error) {
	if req.Manifest != nil {
		r.mu.Lock()
		r.bytes = len(req.Manifest.Blob)
		r.mu.Unlock()
	}
	return r.Remote.Batch(ctx, req)
}

var (
	editorOnce sync.Once
	editorDir  string
)

// BenchmarkOneEdit10k: on the 10,000-note account, the device that holds
// them edits one note and syncs (an empty pull verifying the manifest, then
// one atomic batch carrying the next manifest). manifest-bytes is the size
// of the manifest blob the edit sends (before base64): it does not grow
// with the number of notes. One copy of the writer's profile is used for
// the whole process: two copies would share a device id and rightly look
// like a fork.
func BenchmarkOneEdit10k(b *testing.B) {
	f := fixture(b)
	editorOnce.Do(func() {
		// Outlives this run (b.TempDir would not): -count reuses it.
		dir, err := os.MkdirTemp("", "cipherleaf-bench")
		if err == nil {
			editorDir = filepath.Join(dir, "editor")
			err = os.CopyFS(editorDir, os.DirFS(f.full))
		}
		if err != nil {
			b.Fatal(err)
		}
	})
	cr := &countingRemote{}
	c, err := core.Open(core.Config{ProfileDir: editorDir, Policy: cryptobox.DefaultPolicy, NewParams: floorParams,
		DeviceName: "bench", APITimeout: 30 * time.Second,
		Dial: func(rc core.RemoteConfig) (core.Remote, error) {
			r, err := apiclient.New(rc)
			cr.Remote = r
			return cr, err
		}})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if err := c.UnlockWithDevice(); err != nil {
		b.Fatal(err)
	}
	if _, err := c.Sync(context.Background()); err != nil {
		b.Fatal(err)
	}
	id := c.List()[0].ID
	i := 0
	for b.Loop() {
		i++
		if err := c.Update(id, &note.Note{Title: "edited", Body: fmt.Sprint("edit ", i)}); err != nil {
			b.Fatal(err)
		}
		if rep, err := c.Sync(context.Background()); err != nil || rep.Pushed != 1 {
			b.Fatalf("Sync = %+v, %v", rep, err)
		}
	}
	b.ReportMetric(float64(cr.bytes), "manifest-bytes")
}

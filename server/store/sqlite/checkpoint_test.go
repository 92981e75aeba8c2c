package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"cipherleaf.dev/server"
)

// TestWriterPragmas: the writer leaves checkpoints to the checkpointer up
// to autoCheckpointBytes of log, and trims the log file to walSizeLimit.
func TestWriterPragmas(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "db.sqlite"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct {
		pragma string
		want   int64
	}{
		{"wal_autocheckpoint", autoCheckpointBytes / pageSize},
		{"journal_size_limit", walSizeLimit},
	} {
		t.Run(tc.pragma, func(t *testing.T) {
			var got int64
			if err := s.w.QueryRow("PRAGMA " + tc.pragma).Scan(&got); err != nil || got != tc.want {
				t.Fatalf("PRAGMA %s = %d, %v; want %d", tc.pragma, got, err, tc.want)
			}
		})
	}
}

// TestCheckpointInBackground writes batches past bgCheckpointBytes, far
// below the writer's own automatic checkpoint, and waits for their pages
// to reach the main database file: only the checkpointer can have copied
// them there.
func TestCheckpointInBackground(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db.sqlite")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, _ := newUser(t, s, "alice")
	blob := make([]byte, 4000)
	written := int64(0)
	for b := 0; written < 2*bgCheckpointBytes; b++ {
		ws := make([]server.Write, 200)
		for i := range ws {
			ws[i] = server.Write{ID: fmt.Sprintf("00000000-0000-4000-8000-%06d%06d", b, i), Blob: blob}
			written += int64(len(blob))
		}
		if out, err := s.Batch(ctx, u.ID, 0, ws, nil); err != nil || !out.Applied {
			t.Fatalf("Batch = %+v, %v", out, err)
		}
	}
	if written >= autoCheckpointBytes/2 {
		t.Fatalf("the test writes %d bytes: the writer's own checkpoint could run", written)
	}
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if s.ckpt.runs.Load() > 0 && fi.Size() >= bgCheckpointBytes {
			t.Logf("%d checkpoints, main file %d bytes after %d bytes of blobs", s.ckpt.runs.Load(), fi.Size(), written)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %d bytes written, %d checkpoints and a main file of %d bytes", written, s.ckpt.runs.Load(), fi.Size())
		}
		<-tick.C
	}
}

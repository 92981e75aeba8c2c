package basewait

import (
	"context"
	"testing"
	"time"

	"cipherleaf.dev/server"
)

// TestRun: a batch without a base hash is tried once, never waiting; one
// that comes early is tried again after Changed, and judged once the wait
// is over; the board forgets accounts nobody waits on.
func TestRun(t *testing.T) {
	ctx := context.Background()
	hashed := &server.ManifestWrite{BaseVersion: 2, BaseHash: make([]byte, 32)}
	t.Run("no hash", func(t *testing.T) {
		b := New(time.Hour)
		var tries []bool
		out, err := b.Run(ctx, 1, &server.ManifestWrite{BaseVersion: 2}, func(_ context.Context, mayWait bool) (*server.BatchOutcome, bool, error) {
			tries = append(tries, mayWait)
			return &server.BatchOutcome{}, false, nil
		})
		if err != nil || out == nil || len(tries) != 1 || tries[0] {
			t.Fatalf("Run = %v, %v; tries %v", out, err, tries)
		}
	})
	t.Run("woken", func(t *testing.T) {
		b := New(time.Hour)
		var tries []bool
		out, err := b.Run(ctx, 1, hashed, func(_ context.Context, mayWait bool) (*server.BatchOutcome, bool, error) {
			tries = append(tries, mayWait)
			if len(tries) == 1 {
				b.Changed(2) // another account: no effect
				b.Changed(1) // after the watch began: must wake
				return nil, true, nil
			}
			return &server.BatchOutcome{Applied: true}, false, nil
		})
		if err != nil || !out.Applied || len(tries) != 2 || !tries[1] {
			t.Fatalf("Run = %v, %v; tries %v", out, err, tries)
		}
	})
	t.Run("timeout judges", func(t *testing.T) {
		b := New(10 * time.Millisecond)
		var tries []bool
		out, err := b.Run(ctx, 1, hashed, func(_ context.Context, mayWait bool) (*server.BatchOutcome, bool, error) {
			tries = append(tries, mayWait)
			if mayWait {
				return nil, true, nil
			}
			return &server.BatchOutcome{}, false, nil
		})
		if err != nil || out == nil || out.Applied || len(tries) != 2 || tries[1] {
			t.Fatalf("Run = %v, %v; tries %v", out, err, tries)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		b := New(time.Hour)
		cctx, cancel := context.WithCancel(ctx)
		var tries []bool
		out, err := b.Run(cctx, 1, hashed, func(tctx context.Context, mayWait bool) (*server.BatchOutcome, bool, error) {
			tries = append(tries, mayWait)
			if mayWait {
				cancel()
				return nil, true, nil
			}
			if tctx.Err() != nil {
				t.Error("judged under the cancelled context")
			}
			return &server.BatchOutcome{}, false, nil
		})
		if err != nil || out == nil || len(tries) != 2 || tries[1] {
			t.Fatalf("Run = %v, %v; tries %v", out, err, tries)
		}
		if n := len(b.slots); n != 0 || b.Waiting() != 0 {
			t.Fatalf("%d slots, %d waiting left", n, b.Waiting())
		}
	})
}

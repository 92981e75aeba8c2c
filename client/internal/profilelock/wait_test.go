package profilelock

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestWait(t *testing.T) {
	path := filepath.Join(t.TempDir(), "refresh.lock")
	t.Run("free", func(t *testing.T) {
		l, err := Wait(context.Background(), path)
		if err != nil {
			t.Fatalf("Wait(%q) = %v, want the lock", path, err)
		}
		l.Unlock()
	})
	t.Run("held until the deadline", func(t *testing.T) {
		held, err := TryLock(path)
		if err != nil {
			t.Fatal(err)
		}
		defer held.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		if l, err := Wait(ctx, path); !errors.Is(err, context.DeadlineExceeded) {
			if l != nil {
				l.Unlock()
			}
			t.Fatalf("Wait(%q) while held = %v, want context.DeadlineExceeded", path, err)
		}
	})
	t.Run("released while waiting", func(t *testing.T) {
		held, err := TryLock(path)
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan error, 1)
		go func() {
			l, err := Wait(context.Background(), path)
			if err == nil {
				l.Unlock()
			}
			got <- err
		}()
		held.Unlock()
		select {
		case err := <-got:
			if err != nil {
				t.Fatalf("Wait(%q) after release = %v, want the lock", path, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Wait did not take the released lock")
		}
	})
}

package httpapi

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// bodyBudget bounds the bytes of large request bodies being read at once,
// server-wide, whatever decoder reads them: a request whose body may be
// large reserves its size (its Content-Length, or the route's limit when
// the length is not declared) before a byte is read, and gives it back
// when its handler returns. A request that cannot reserve within wait is
// refused as rate limited. One request alone is always let through, so a
// body up to the route's limit can always be sent.
type bodyBudget struct {
	max     int64
	wait    time.Duration
	mu      sync.Mutex
	used    int64
	changed chan struct{} // closed and replaced whenever used drops
}

func newBodyBudget(max int64, wait time.Duration) *bodyBudget {
	return &bodyBudget{max: max, wait: wait, changed: make(chan struct{})}
}

// acquire reserves n bytes; release returns them.
func (b *bodyBudget) acquire(ctx context.Context, n int64) (release func(), err error) {
	var timer <-chan time.Time
	for {
		b.mu.Lock()
		if b.used == 0 || b.used+n <= b.max {
			b.used += n
			b.mu.Unlock()
			return func() {
				b.mu.Lock()
				b.used -= n
				close(b.changed)
				b.changed = make(chan struct{})
				b.mu.Unlock()
			}, nil
		}
		ch := b.changed
		b.mu.Unlock()
		if timer == nil {
			t := time.NewTimer(b.wait)
			defer t.Stop()
			timer = t.C
		}
		select {
		case <-ch:
		case <-timer:
			return nil, &rateLimitedError{retry: time.Second}
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for body budget: %w", ctx.Err())
		}
	}
}

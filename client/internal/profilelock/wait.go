package profilelock

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// lockPoll is how long Wait sleeps between two tries.
const lockPoll = 5 * time.Millisecond

// Wait takes the lock on the file at path, trying again every few
// milliseconds while another process (or another Lock of this process)
// holds it, until ctx ends. An OS lock that blocks cannot be cancelled,
// so Wait never blocks in the OS: it is bounded by ctx.
func Wait(ctx context.Context, path string) (*Lock, error) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for lock: %w", ctx.Err())
		case <-t.C:
		}
		l, err := TryLock(path)
		if !errors.Is(err, ErrLocked) {
			return l, err
		}
		t.Reset(lockPoll)
	}
}

// Package basewait lets an atomic batch that overtook the batch before it
// wait for that one to commit (SPEC §7.3, §10.5.1). A device may send batch
// k+1, written on the manifest batch k makes, before k's answer; the two
// requests are handled concurrently, so k+1 can reach the store first and
// would be refused. The store gives such a batch a bounded wait, woken when
// the account's manifest version changes in this process, then judges it.
package basewait

import (
	"context"
	"sync"
	"time"

	"cipherleaf.dev/server"
)

// DefaultWait bounds how long an overtaking batch waits (SPEC §7.3).
const DefaultWait = 2 * time.Second

// Board wakes the batches waiting on an account's manifest. The zero
// value is not usable; use New.
type Board struct {
	wait time.Duration

	mu      sync.Mutex
	slots   map[int64]*slot
	waiting int // batches waiting now, all accounts
}

// slot is one account's wake-up: ch is closed at the next Changed.
type slot struct {
	ch    chan struct{}
	users int
}

// New returns a board whose batches wait at most wait (0: DefaultWait).
func New(wait time.Duration) *Board {
	if wait <= 0 {
		wait = DefaultWait
	}
	return &Board{wait: wait, slots: make(map[int64]*slot)}
}

// Changed wakes every batch waiting on userID's manifest. A store calls it
// after committing a new manifest version of that account.
func (b *Board) Changed(userID int64) {
	b.mu.Lock()
	if s, ok := b.slots[userID]; ok {
		close(s.ch)
		delete(b.slots, userID)
	}
	b.mu.Unlock()
}

// Waiting returns how many batches are waiting now.
func (b *Board) Waiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.waiting
}

// watch returns a channel closed at the next Changed(userID) and the
// function that gives it back.
func (b *Board) watch(userID int64) (<-chan struct{}, func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, ok := b.slots[userID]
	if !ok {
		s = &slot{ch: make(chan struct{})}
		b.slots[userID] = s
	}
	s.users++
	return s.ch, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		s.users--
		if s.users == 0 && b.slots[userID] == s {
			delete(b.slots, userID)
		}
	}
}

// Attempt is one try of a batch in its own transaction, under ctx. With
// mayWait it may instead report early (having written nothing) when man
// overtook the batch before it (server.ManifestWrite.Overtook); without,
// it judges.
type Attempt func(ctx context.Context, mayWait bool) (out *server.BatchOutcome, early bool, err error)

// Run runs try for userID's batch with manifest man. A batch without a
// base hash is tried once and judged. One with a base hash that comes
// early waits until the account's manifest changes in this process, the
// bounded wait ends or ctx is done, and is tried again; once the wait is
// over it is judged on the state of that moment. A request cancelled while
// it waits is judged at once too (its answer goes nowhere; a cancelled
// request is no server fault to report).
func (b *Board) Run(ctx context.Context, userID int64, man *server.ManifestWrite, try Attempt) (*server.BatchOutcome, error) {
	if man == nil || man.BaseHash == nil {
		out, _, err := try(ctx, false)
		return out, err
	}
	timer := time.NewTimer(b.wait)
	defer timer.Stop()
	mayWait := true
	for {
		// Watched before the attempt reads the version: a commit between
		// that read and the wait below still wakes it.
		ch, release := b.watch(userID)
		out, early, err := try(ctx, mayWait)
		if !early {
			release()
			return out, err
		}
		b.mu.Lock()
		b.waiting++
		b.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			mayWait = false
		case <-ctx.Done():
			mayWait = false
			ctx = context.WithoutCancel(ctx)
		}
		b.mu.Lock()
		b.waiting--
		b.mu.Unlock()
		release()
	}
}

package groupcommit

import (
	"context"
	"errors"
	"sync"
	"testing"

	"cipherleaf.dev/server"
)

// TestGroups: writes arriving while a group commits are applied once each
// (together in later groups when they queued up in time), each answered
// with its own result; a group's error answers each of its writes; after
// Stop, writes are refused. (That concurrent writes do share groups is
// measured by the engines' tests and the load generator.)
func TestGroups(t *testing.T) {
	first := make(chan struct{})
	release := make(chan struct{})
	var mu sync.Mutex
	var sizes []int
	boom := errors.New("disk on fire")
	q := Start(func(group []Write, res []Result) error {
		mu.Lock()
		sizes = append(sizes, len(group))
		n := len(sizes)
		mu.Unlock()
		if n == 1 {
			close(first)
			<-release // hold the committer while more writes queue up
		}
		for i, w := range group {
			if w.Quota < 0 {
				return boom
			}
			if w.UserID == 7 {
				res[i].Err = server.ErrQuotaExceeded
				continue
			}
			res[i].Rev, res[i].Seq = uint64(w.UserID), uint64(w.UserID)*10
		}
		return nil
	})
	ctx := context.Background()
	type out struct {
		user     int64
		rev, seq uint64
		err      error
	}
	outs := make(chan out, 16)
	write := func(user, quota int64) {
		rev, seq, err := q.Write(ctx, user, quota, &server.Write{})
		outs <- out{user, rev, seq, err}
	}
	go write(1, 0)
	<-first
	var wg sync.WaitGroup
	for _, u := range []int64{2, 3, 7} { // queued while group 1 commits
		wg.Add(1)
		go func() { defer wg.Done(); write(u, 0) }()
	}
	close(release)
	wg.Wait()
	got := map[int64]out{}
	for range 4 {
		o := <-outs
		got[o.user] = o
	}
	for _, u := range []int64{1, 2, 3} {
		if o := got[u]; o.err != nil || o.rev != uint64(u) || o.seq != uint64(u)*10 {
			t.Errorf("user %d answered %+v", u, o)
		}
	}
	if !errors.Is(got[7].err, server.ErrQuotaExceeded) {
		t.Errorf("user 7 answered %v, want its own quota refusal", got[7].err)
	}
	mu.Lock()
	total := 0
	for _, n := range sizes {
		total += n
	}
	mu.Unlock()
	if total != 4 {
		t.Errorf("group sizes %v: want 4 writes applied once each", sizes)
	}

	// One write failing the transaction fails its whole group.
	if _, _, err := q.Write(ctx, 5, -1, &server.Write{}); !errors.Is(err, boom) {
		t.Errorf("failing group answered %v, want %v", err, boom)
	}

	q.Stop()
	if _, _, err := q.Write(ctx, 1, 0, &server.Write{}); !errors.Is(err, server.ErrClosed) {
		t.Errorf("write after Stop: %v, want server.ErrClosed", err)
	}
}

// TestWriteCancelled: a client that gives up before its write is queued
// gets its context's error and its write is never applied.
func TestWriteCancelled(t *testing.T) {
	started := make(chan struct{})
	block := make(chan struct{})
	var users []int64
	q := Start(func(group []Write, res []Result) error {
		if len(users) == 0 {
			close(started)
		}
		for _, w := range group {
			users = append(users, w.UserID)
		}
		<-block
		return nil
	})
	ctx := context.Background()
	done := make(chan struct{})
	go func() { q.Write(ctx, 1, 0, &server.Write{}); close(done) }()
	<-started // the committer is inside commit: nothing can be queued now
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := q.Write(cctx, 2, 0, &server.Write{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled write: %v, want context.Canceled", err)
	}
	close(block)
	<-done
	q.Stop()
	if len(users) != 1 || users[0] != 1 {
		t.Fatalf("applied the writes of users %v, want only user 1", users)
	}
}

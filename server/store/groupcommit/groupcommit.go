// Package groupcommit gives a store group commit: single-note writes from
// many clients are queued to one goroutine that hands whatever has queued
// up to the engine to apply in one transaction, then answers each. A client
// is answered only after the COMMIT that holds its write, so an
// acknowledged write is as durable as with one transaction per write; the
// BEGIN/COMMIT and the log flush are shared by the group. The engines
// (store/sqlite, store/postgres) differ only in how they apply a group.
package groupcommit

import (
	"context"
	"fmt"

	"cipherleaf.dev/server"
)

// MaxGroup caps the writes of one group transaction.
const MaxGroup = 256

// Write is one queued single-note write.
type Write struct {
	UserID int64
	Quota  int64
	W      *server.Write
	done   chan Result
}

// Result is what one write's client is answered.
type Result struct {
	Rev, Seq uint64
	Err      error
}

// Commit applies group in one transaction, writing each write's own
// outcome (a conflict or a quota refusal does not affect the others) into
// res, which has the group's length. An error fails the whole group: every
// client of the group is answered with it.
type Commit func(group []Write, res []Result) error

// Queue gathers writes for one committer goroutine.
type Queue struct {
	writes chan Write
	quit   chan struct{}
	done   chan struct{}
	commit Commit
}

// Start starts the committer; Stop ends it.
func Start(commit Commit) *Queue {
	q := &Queue{writes: make(chan Write), quit: make(chan struct{}), done: make(chan struct{}), commit: commit}
	go q.run()
	return q
}

// Write queues one write for userID and waits for its outcome: after the
// commit that holds it, or server.ErrClosed once the queue is stopped.
func (q *Queue) Write(ctx context.Context, userID, quota int64, w *server.Write) (rev, seq uint64, err error) {
	req := Write{UserID: userID, Quota: quota, W: w, done: make(chan Result, 1)}
	select {
	case q.writes <- req:
	case <-q.quit:
		return 0, 0, server.ErrClosed
	case <-ctx.Done():
		return 0, 0, fmt.Errorf("write note: %w", ctx.Err())
	}
	// Once queued the write will be applied; wait for its outcome even if
	// the client goes away, so the answer reflects what happened.
	r := <-req.done
	return r.Rev, r.Seq, r.Err
}

// Stop ends the committer after the group it is applying; writes queued
// after it are refused with server.ErrClosed. It must be called once.
func (q *Queue) Stop() {
	close(q.quit)
	<-q.done
}

func (q *Queue) run() {
	defer close(q.done)
	group := make([]Write, 0, MaxGroup)
	for {
		select {
		case req := <-q.writes:
			group = append(group[:0], req)
		case <-q.quit:
			return
		}
	more:
		for len(group) < MaxGroup {
			select {
			case req := <-q.writes:
				group = append(group, req)
			default:
				break more
			}
		}
		res := make([]Result, len(group))
		if err := q.commit(group, res); err != nil {
			for i := range res {
				res[i] = Result{Err: err}
			}
		}
		for i, req := range group {
			req.done <- res[i]
		}
	}
}

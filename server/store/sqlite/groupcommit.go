package sqlite

import (
	"context"
	"errors"
	"fmt"

	"cipherleaf.dev/server"
)

// Group commit: single-note writes from many clients are queued to one
// goroutine that applies whatever has queued up in one transaction, then
// answers each. A client is answered only after the COMMIT that holds its
// write, so an acknowledged write is as durable as with one transaction per
// write; the BEGIN/COMMIT and WAL append are shared by the group.

// maxGroup caps the writes of one group transaction.
const maxGroup = 256

type writeReq struct {
	userID int64
	quota  int64
	w      *server.Write
	done   chan writeRes
}

type writeRes struct {
	rev, seq uint64
	err      error
}

// WriteNote applies one put or delete for userID. A stale base revision
// returns a *ConflictError with the current state; a write that would take
// the user's stored bytes over quota (if quota > 0) returns
// ErrQuotaExceeded and changes nothing.
func (s *Store) WriteNote(ctx context.Context, userID int64, quota int64, w *server.Write) (rev, seq uint64, err error) {
	req := writeReq{userID: userID, quota: quota, w: w, done: make(chan writeRes, 1)}
	select {
	case s.writeq <- req:
	case <-s.quit:
		return 0, 0, server.ErrClosed
	case <-ctx.Done():
		return 0, 0, fmt.Errorf("write note: %w", ctx.Err())
	}
	// Once queued the write will be applied; wait for its outcome even if
	// the client goes away, so the answer reflects what happened.
	r := <-req.done
	return r.rev, r.seq, r.err
}

// committer runs until quit is closed, applying queued writes in groups.
func (s *Store) committer() {
	defer close(s.committerDone)
	group := make([]writeReq, 0, maxGroup)
	for {
		select {
		case req := <-s.writeq:
			group = append(group[:0], req)
		case <-s.quit:
			return
		}
	more:
		for len(group) < maxGroup {
			select {
			case req := <-s.writeq:
				group = append(group, req)
			default:
				break more
			}
		}
		s.commitGroup(group)
	}
}

// commitGroup applies group in one transaction and answers every request.
// A write whose own outcome is a conflict or quota refusal does not affect
// the others; a database error fails the whole group.
func (s *Store) commitGroup(group []writeReq) {
	ctx := context.Background()
	res := make([]writeRes, len(group))
	err := func() error {
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("begin write note: %w", err)
		}
		defer tx.Rollback()
		wt := s.newWriteTx(ctx, tx)
		for i, req := range group {
			a, err := wt.apply(ctx, req.userID, req.quota, req.w)
			switch {
			case errors.Is(err, server.ErrQuotaExceeded), errors.Is(err, server.ErrNotFound):
				res[i].err = err
			case err != nil:
				return err
			case a.conflict != nil:
				res[i].err = &server.ConflictError{Current: *a.conflict}
			default:
				res[i].rev, res[i].seq = a.rev, a.seq
			}
		}
		if err := wt.flush(ctx); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit write note: %w", err)
		}
		return nil
	}()
	for i, req := range group {
		if err != nil {
			res[i] = writeRes{err: err}
		}
		req.done <- res[i]
	}
}

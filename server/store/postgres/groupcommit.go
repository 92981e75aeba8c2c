package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"cipherleaf.dev/server"
)

// Group commit, as in store/sqlite: single-note writes queued on this
// replica are applied by one goroutine in one transaction per group and
// each is answered after the COMMIT that holds it. Without it, writes to
// one account run strictly one after another (each holds the account's
// row lock until its commit and its WAL flush), so 64 devices of one
// account got 245 writes/s; a group shares the lock and the flush. The
// accounts of a group are locked in id order, the order every multi-
// account transaction uses, so replicas' groups cannot deadlock.

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

// WriteNote applies one put or delete for userID (see server.Store).
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
// A write's own conflict or quota refusal does not affect the others; a
// database error fails the whole group.
func (s *Store) commitGroup(group []writeReq) {
	ctx := context.Background()
	res := make([]writeRes, len(group))
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		ids := make([]int64, 0, 4)
		for _, req := range group {
			ids = append(ids, req.userID)
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		wts := make(map[int64]*writeTx, len(ids))
		for _, id := range ids {
			wt, err := s.newWriteTx(ctx, tx, id)
			if errors.Is(err, server.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			wts[id] = wt
		}
		for i, req := range group {
			wt := wts[req.userID]
			if wt == nil {
				res[i].err = server.ErrNotFound
				continue
			}
			// apply writes nothing when it refuses (a conflict, or the quota
			// checked before any row is touched), so one write's refusal
			// leaves the group's other writes as they are.
			a, err := wt.apply(ctx, req.quota, req.w)
			switch {
			case errors.Is(err, server.ErrQuotaExceeded):
				res[i].err = err
			case err != nil:
				return err
			case a.conflict != nil:
				res[i].err = &server.ConflictError{Current: *a.conflict}
			default:
				res[i].rev, res[i].seq = a.rev, a.seq
			}
		}
		for _, wt := range wts {
			if err := wt.flush(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	for i, req := range group {
		if err != nil {
			res[i] = writeRes{err: fmt.Errorf("commit write note: %w", err)}
		}
		req.done <- res[i]
	}
}

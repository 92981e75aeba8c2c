package sqlite

import (
	"context"
	"errors"
	"fmt"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/store/groupcommit"
)

// WriteNote applies one put or delete for userID through the group commit
// queue (store/groupcommit). A stale base revision returns a
// *ConflictError with the current state; a write that would take the
// user's stored bytes over quota (if quota > 0) returns ErrQuotaExceeded
// and changes nothing.
func (s *Store) WriteNote(ctx context.Context, userID int64, quota int64, w *server.Write) (rev, seq uint64, err error) {
	return s.writes.Write(ctx, userID, quota, w)
}

// commitGroup applies group in one transaction (groupcommit.Commit).
func (s *Store) commitGroup(group []groupcommit.Write, res []groupcommit.Result) error {
	ctx := context.Background()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin write note: %w", err)
	}
	defer tx.Rollback()
	wt := s.newWriteTx(ctx, tx)
	ids := make(map[int64][]string, 1)
	for _, req := range group {
		ids[req.UserID] = append(ids[req.UserID], req.W.ID)
	}
	for user, ids := range ids {
		if err := wt.load(ctx, user, ids); err != nil {
			return err
		}
	}
	for i, req := range group {
		a, err := wt.apply(ctx, req.UserID, req.Quota, req.W)
		switch {
		case errors.Is(err, server.ErrQuotaExceeded), errors.Is(err, server.ErrNotFound):
			res[i].Err = err
		case err != nil:
			return err
		case a.conflict != nil:
			res[i].Err = &server.ConflictError{Current: *a.conflict}
		default:
			res[i].Rev, res[i].Seq = a.rev, a.seq
		}
	}
	if err := wt.flush(ctx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit write note: %w", err)
	}
	in := 0
	for _, req := range group {
		in += len(req.W.Blob)
	}
	s.ckpt.committed(len(group), in)
	return nil
}

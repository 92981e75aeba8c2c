package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/store/groupcommit"
)

// Group commit (store/groupcommit): single-note writes queued on this
// replica are applied in one transaction per group and each is answered
// after the COMMIT that holds it. Without it, writes to one account run
// strictly one after another (each holds the account's row lock until its
// commit and its WAL flush), so 64 devices of one account got 245
// writes/s; a group shares the lock and the flush. The accounts of a group
// are locked in id order, the order every multi-account transaction uses,
// so replicas' groups cannot deadlock.

// WriteNote applies one put or delete for userID (see server.Store).
func (s *Store) WriteNote(ctx context.Context, userID int64, quota int64, w *server.Write) (rev, seq uint64, err error) {
	return s.writes.Write(ctx, userID, quota, w)
}

// commitGroup applies group in one transaction (groupcommit.Commit).
func (s *Store) commitGroup(group []groupcommit.Write, res []groupcommit.Result) error {
	ctx := context.Background()
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		ids := make([]int64, 0, 4)
		for _, req := range group {
			ids = append(ids, req.UserID)
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
		notes := make(map[int64][]string, len(wts))
		for _, req := range group {
			notes[req.UserID] = append(notes[req.UserID], req.W.ID)
		}
		for id, wt := range wts {
			if err := wt.load(ctx, notes[id]); err != nil {
				return err
			}
		}
		for i, req := range group {
			wt := wts[req.UserID]
			if wt == nil {
				res[i].Err = server.ErrNotFound
				continue
			}
			// apply writes nothing when it refuses (a conflict, or the quota
			// checked before any row is touched), so one write's refusal
			// leaves the group's other writes as they are.
			a, err := wt.apply(ctx, req.Quota, req.W)
			switch {
			case errors.Is(err, server.ErrQuotaExceeded):
				res[i].Err = err
			case err != nil:
				return err
			case a.conflict != nil:
				res[i].Err = &server.ConflictError{Current: *a.conflict}
			default:
				res[i].Rev, res[i].Seq = a.rev, a.seq
			}
		}
		for _, wt := range wts {
			if err := wt.flush(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("commit write note: %w", err)
	}
	return nil
}

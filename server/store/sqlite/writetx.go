package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

// applied is the outcome of one Write inside a transaction.
type applied struct {
	rev, seq uint64
	used     int64 // the user's stored bytes after the write
	delta    int64 // change of stored bytes
	conflict *protocol.Change
}

// userState is a user's sequence counter and stored bytes, read once per
// transaction and written back once at its end.
type userState struct {
	seq   uint64
	used  int64
	dirty bool
}

// writeTx applies note writes inside one transaction, for any number of
// users, with the statements bound to it.
type writeTx struct {
	tx                                       *sql.Tx
	noteGet, noteUpsert, userGet, userUpdate *sql.Stmt
	users                                    map[int64]*userState
	now                                      func() time.Time
	histRevs, histDays                       int // SPEC §7.8 retention
}

func (s *Store) newWriteTx(ctx context.Context, tx *sql.Tx) *writeTx {
	return &writeTx{
		tx:         tx,
		noteGet:    tx.StmtContext(ctx, s.stmts.noteGet),
		noteUpsert: tx.StmtContext(ctx, s.stmts.noteUpsert),
		userGet:    tx.StmtContext(ctx, s.stmts.userSeqGet),
		userUpdate: tx.StmtContext(ctx, s.stmts.userSeqSet),
		users:      make(map[int64]*userState, 1),
		now:        s.now,
		histRevs:   s.histRevs,
		histDays:   s.histDays,
	}
}

func (wt *writeTx) user(ctx context.Context, id int64) (*userState, error) {
	if u := wt.users[id]; u != nil {
		return u, nil
	}
	u := &userState{}
	err := wt.userGet.QueryRowContext(ctx, id).Scan(&u.seq, &u.used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, server.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read sequence: %w", err)
	}
	wt.users[id] = u
	return u, nil
}

// apply performs w for userID: compare-and-swap on the revision, next
// sequence number, byte accounting. A stale base gives a conflict, not an
// error. If quota > 0 and the write would take the user over it, it
// returns ErrQuotaExceeded having written nothing.
func (wt *writeTx) apply(ctx context.Context, userID, quota int64, w *server.Write) (applied, error) {
	var a applied
	u, err := wt.user(ctx, userID)
	if err != nil {
		return a, err
	}
	var curRev, curSeq uint64
	var curLen sql.NullInt64
	err = wt.noteGet.QueryRowContext(ctx, userID, w.ID).Scan(&curRev, &curSeq, &curLen)
	exists := true
	if errors.Is(err, sql.ErrNoRows) {
		exists = false
	} else if err != nil {
		return a, fmt.Errorf("read note: %w", err)
	}
	if (exists && curRev != w.BaseRev) || (!exists && (w.BaseRev != 0 || w.Delete)) {
		cur := protocol.Change{ID: w.ID, Rev: curRev, Seq: curSeq}
		if exists {
			if !curLen.Valid {
				cur.Deleted = true
			} else if err := wt.tx.QueryRowContext(ctx, `SELECT blob FROM notes WHERE user_id = ? AND id = ?`, userID, w.ID).Scan(&cur.Blob); err != nil {
				return a, fmt.Errorf("read current note: %w", err)
			}
		}
		a.conflict = &cur
		return a, nil
	}
	var blob any // nil binds NULL: a tombstone
	if !w.Delete {
		blob = w.Blob
		a.delta = int64(len(w.Blob))
	}
	a.delta -= curLen.Int64
	if !exists {
		a.delta += server.RowOverhead
	}
	keep := exists && curLen.Valid && wt.histRevs > 0 // the replaced blob becomes history (SPEC §7.8)
	var drop historyDrop
	if keep {
		if drop, err = wt.planHistory(ctx, userID, w.ID); err != nil {
			return a, err
		}
		a.delta += curLen.Int64 + server.RowOverhead - drop.bytes
	}
	if a.delta > 0 && !w.Delete && quota > 0 && u.used+a.delta > quota { // a delete is never refused
		return a, server.ErrQuotaExceeded
	}
	if keep {
		if err := wt.keepHistory(ctx, userID, w.ID, drop); err != nil {
			return a, err
		}
	}
	a.rev = w.BaseRev + 1
	a.seq = u.seq + 1
	if _, err := wt.noteUpsert.ExecContext(ctx, userID, w.ID, a.rev, a.seq, blob, wt.now().Unix()); err != nil {
		return a, fmt.Errorf("write note: %w", err)
	}
	u.seq, u.used, u.dirty = a.seq, u.used+a.delta, true
	a.used = u.used
	return a, nil
}

// flush writes back the sequence and byte counts of the users touched.
func (wt *writeTx) flush(ctx context.Context) error {
	for id, u := range wt.users {
		if !u.dirty {
			continue
		}
		if _, err := wt.userUpdate.ExecContext(ctx, u.seq, u.used, id); err != nil {
			return fmt.Errorf("write sequence: %w", err)
		}
		u.dirty = false
	}
	return nil
}

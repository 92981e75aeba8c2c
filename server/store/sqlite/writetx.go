package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
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

// noteKey names one note of one user.
type noteKey struct {
	user int64
	id   string
}

// noteState is what a write needs of a note's current row: its revision,
// sequence, blob length (NULL for a tombstone) and when that blob was
// stored (unix seconds), or that it has none.
type noteState struct {
	exists   bool
	rev, seq uint64
	length   sql.NullInt64
	stored   int64
}

// writeTx applies note writes inside one transaction, for any number of
// users, with the statements bound to it.
//
// The state of the notes written is read once per transaction, for all of
// them at once (load), and kept up to date by apply: a batch of 1,000
// puts is one read, not 1,000. Each read inside a database/sql
// transaction also starts a goroutine (Rows.initContextClose) and the
// driver starts another for every statement run under a cancellable
// context, which is why apply runs its statements under one that is not
// (the transaction itself still ends with the caller's context).
type writeTx struct {
	tx                            *sql.Tx
	noteGet, noteLoad, noteUpsert *sql.Stmt
	notesUpsert                   [len(upsertRows)]*sql.Stmt
	histPlan, histKeep, histTrim  *sql.Stmt
	userGet, userUpdate           *sql.Stmt
	users                         map[int64]*userState
	notes                         map[noteKey]noteState
	queued                        []any                // note rows written, not yet sent: 6 values each
	queuedKeys                    map[noteKey]struct{} // their notes
	box                           boxes                // see boxed
	now                           func() time.Time
	histRevs, histDays            int // SPEC §7.8 retention
}

func (s *Store) newWriteTx(ctx context.Context, tx *sql.Tx) *writeTx {
	wt := &writeTx{
		tx:         tx,
		noteGet:    tx.StmtContext(ctx, s.stmts.noteGet),
		noteLoad:   tx.StmtContext(ctx, s.stmts.noteLoad),
		histPlan:   tx.StmtContext(ctx, s.stmts.histPlan),
		histKeep:   tx.StmtContext(ctx, s.stmts.histKeep),
		histTrim:   tx.StmtContext(ctx, s.stmts.histTrim),
		noteUpsert: tx.StmtContext(ctx, s.stmts.noteUpsert),
		userGet:    tx.StmtContext(ctx, s.stmts.userSeqGet),
		userUpdate: tx.StmtContext(ctx, s.stmts.userSeqSet),
		users:      make(map[int64]*userState, 1),
		notes:      make(map[noteKey]noteState),
		queuedKeys: make(map[noteKey]struct{}),
		now:        s.now,
		histRevs:   s.histRevs,
		histDays:   s.histDays,
	}
	for i, st := range s.stmts.notesUpsert {
		wt.notesUpsert[i] = tx.StmtContext(ctx, st)
	}
	return wt
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

// load reads the state of userID's notes ids in one statement, for the
// writes to come. A note it does not find has no row.
func (wt *writeTx) load(ctx context.Context, userID int64, ids []string) error {
	list, err := json.Marshal(ids)
	if err != nil {
		return fmt.Errorf("read notes: %w", err)
	}
	rows, err := wt.noteLoad.QueryContext(ctx, userID, string(list))
	if err != nil {
		return fmt.Errorf("read notes: %w", err)
	}
	defer rows.Close()
	for _, id := range ids {
		wt.notes[noteKey{userID, id}] = noteState{}
	}
	for rows.Next() {
		var id string
		st := noteState{exists: true}
		if err := rows.Scan(&id, &st.rev, &st.seq, &st.length, &st.stored); err != nil {
			return fmt.Errorf("read notes: %w", err)
		}
		wt.notes[noteKey{userID, id}] = st
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read notes: %w", err)
	}
	return nil
}

// note returns the state of one note: loaded, written by this
// transaction, or read now.
func (wt *writeTx) note(ctx context.Context, userID int64, id string) (noteState, error) {
	if st, ok := wt.notes[noteKey{userID, id}]; ok {
		return st, nil
	}
	st := noteState{exists: true}
	err := wt.noteGet.QueryRowContext(ctx, userID, id).Scan(&st.rev, &st.seq, &st.length, &st.stored)
	if errors.Is(err, sql.ErrNoRows) {
		return noteState{}, nil
	}
	if err != nil {
		return noteState{}, fmt.Errorf("read note: %w", err)
	}
	return st, nil
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
	st, err := wt.note(ctx, userID, w.ID)
	if err != nil {
		return a, err
	}
	exists, curRev, curSeq, curLen := st.exists, st.rev, st.seq, st.length
	if (exists && curRev != w.BaseRev) || (!exists && (w.BaseRev != 0 || w.Delete)) {
		cur := protocol.Change{ID: w.ID, Rev: curRev, Seq: curSeq}
		if exists {
			if !curLen.Valid {
				cur.Deleted = true
			} else if err := wt.sendNotes(ctx); err != nil {
				return a, err
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
		if drop, err = wt.planHistory(ctx, userID, w.ID, st.stored); err != nil {
			return a, err
		}
		if drop.keep {
			a.delta += curLen.Int64 + server.RowOverhead
		}
		a.delta -= drop.bytes
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
	k := noteKey{userID, w.ID}
	if _, ok := wt.queuedKeys[k]; ok { // one statement writes a note once
		if err := wt.sendNotes(ctx); err != nil {
			return a, err
		}
	}
	stored := wt.now().Unix()
	user, at := wt.boxed(userID, stored)
	wt.queued = append(wt.queued, user, w.ID, int64(a.rev), int64(a.seq), blob, at)
	wt.queuedKeys[k] = struct{}{}
	u.seq, u.used, u.dirty = a.seq, u.used+a.delta, true
	wt.notes[k] = noteState{exists: true, rev: a.rev, seq: a.seq, length: sql.NullInt64{Int64: int64(len(w.Blob)), Valid: !w.Delete}, stored: stored}
	a.used = u.used
	return a, nil
}

// boxes are the user id and time of the last row queued, as the
// interface values database/sql takes.
type boxes struct {
	user, stored       int64
	userBox, storedBox any
}

// boxed returns userID and stored as interface values, converting each
// only when it differs from the last row's: a batch's rows share both,
// and each conversion of a number past 255 is an allocation. Revisions and sequence numbers are queued as
// int64, which database/sql passes on as they are (a uint64 it converts
// by reflection into a new interface value).
func (wt *writeTx) boxed(userID, stored int64) (user, at any) {
	b := &wt.box
	if b.userBox == nil || b.user != userID {
		b.user, b.userBox = userID, userID
	}
	if b.storedBox == nil || b.stored != stored {
		b.stored, b.storedBox = stored, stored
	}
	return b.userBox, b.storedBox
}

// sendNotes writes the queued note rows, as many as it can with each
// multi-row statement (upsertRows), the rest one at a time: one
// database/sql call and one step for up to 250 rows, not one per row.
func (wt *writeTx) sendNotes(ctx context.Context) error {
	const cols = 6
	q := wt.queued
	for i, n := range upsertRows {
		for len(q) >= n*cols {
			if _, err := wt.notesUpsert[i].ExecContext(ctx, q[:n*cols]...); err != nil {
				return fmt.Errorf("write notes: %w", err)
			}
			q = q[n*cols:]
		}
	}
	for ; len(q) > 0; q = q[cols:] {
		if _, err := wt.noteUpsert.ExecContext(ctx, q[:cols]...); err != nil {
			return fmt.Errorf("write note: %w", err)
		}
	}
	wt.queued = wt.queued[:0]
	clear(wt.queuedKeys)
	return nil
}

// flush writes the queued note rows, then the sequence and byte counts of
// the users touched.
func (wt *writeTx) flush(ctx context.Context) error {
	if err := wt.sendNotes(ctx); err != nil {
		return err
	}
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

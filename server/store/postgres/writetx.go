package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

// applied is the outcome of one Write inside a transaction.
type applied struct {
	rev, seq uint64
	used     int64
	delta    int64
	conflict *protocol.Change
}

// writeTx applies note writes of one account inside one transaction that
// holds the account's row lock (lockUser), so the compare-and-swap on
// each note, the next sequence number and the byte count are decided by
// one writer at a time across every replica.
//
// The state of the notes written is read once for all of them (load) and
// kept up to date by apply, and the rows apply writes, and the history
// they keep, are queued and sent in one pipelined round trip (sendNotes)
// before anything reads them back: a batch of 1,000 puts costs a few round
// trips to the database, not 2,000, and an edit one (weighing its history).
type writeTx struct {
	tx                 pgx.Tx
	userID             int64
	seq                uint64
	used               int64
	dirty              bool
	now                func() time.Time
	histRevs, histDays int
	notes              map[string]noteState
	histQueued         map[string]bool // notes whose history changes are queued
	queued             *pgx.Batch      // note rows written, not yet sent
}

// noteState is what a write needs of a note's current row: its revision,
// sequence, blob length (nil for a tombstone) and when that blob was
// stored (unix seconds), or that it has none.
type noteState struct {
	exists   bool
	rev, seq uint64
	length   *int64
	stored   int64
}

const upsertNote = `INSERT INTO notes (user_id, id, rev, seq, blob, stored) VALUES ($1, $2, $3, $4, $5, $6)
	ON CONFLICT (user_id, id) DO UPDATE SET rev = excluded.rev, seq = excluded.seq, blob = excluded.blob, stored = excluded.stored`

func (s *Store) newWriteTx(ctx context.Context, tx pgx.Tx, userID int64) (*writeTx, error) {
	seq, used, err := lockUser(ctx, tx, userID)
	if err != nil {
		return nil, err
	}
	return &writeTx{tx: tx, userID: userID, seq: seq, used: used, now: s.now, histRevs: s.histRevs, histDays: s.histDays, notes: make(map[string]noteState), histQueued: make(map[string]bool), queued: &pgx.Batch{}}, nil
}

// load reads the state of the notes ids in one statement, for the writes
// to come. A note it does not find has no row.
func (wt *writeTx) load(ctx context.Context, ids []string) error {
	for _, id := range ids {
		wt.notes[id] = noteState{}
	}
	rows, err := wt.tx.Query(ctx, `SELECT id, rev, seq, octet_length(blob), stored FROM notes WHERE user_id = $1 AND id = ANY($2)`, wt.userID, ids)
	if err != nil {
		return fmt.Errorf("read notes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		st := noteState{exists: true}
		if err := rows.Scan(&id, &st.rev, &st.seq, &st.length, &st.stored); err != nil {
			return fmt.Errorf("read notes: %w", err)
		}
		wt.notes[id] = st
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read notes: %w", err)
	}
	return nil
}

// note returns the state of one note: loaded, written by this
// transaction, or read now.
func (wt *writeTx) note(ctx context.Context, id string) (noteState, error) {
	if st, ok := wt.notes[id]; ok {
		return st, nil
	}
	st := noteState{exists: true}
	err := wt.tx.QueryRow(ctx, `SELECT rev, seq, octet_length(blob), stored FROM notes WHERE user_id = $1 AND id = $2`, wt.userID, id).Scan(&st.rev, &st.seq, &st.length, &st.stored)
	if noRows(err) {
		return noteState{}, nil
	}
	if err != nil {
		return noteState{}, fmt.Errorf("read note: %w", err)
	}
	return st, nil
}

// sendNotes sends the queued note rows and history changes, in order, in
// one round trip.
func (wt *writeTx) sendNotes(ctx context.Context) error {
	n := wt.queued.Len()
	if n == 0 {
		return nil
	}
	b := wt.queued
	wt.queued = &pgx.Batch{}
	clear(wt.histQueued)
	br := wt.tx.SendBatch(ctx, b)
	for range n {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("write notes: %w", err)
		}
	}
	if err := br.Close(); err != nil {
		return fmt.Errorf("write notes: %w", err)
	}
	return nil
}

// apply performs w: compare-and-swap on the revision, next sequence
// number, byte accounting, history (the same rules as store/sqlite).
func (wt *writeTx) apply(ctx context.Context, quota int64, w *server.Write) (applied, error) {
	var a applied
	st, err := wt.note(ctx, w.ID)
	if err != nil {
		return a, err
	}
	exists, curRev, curSeq, curLen := st.exists, st.rev, st.seq, st.length
	if (exists && curRev != w.BaseRev) || (!exists && (w.BaseRev != 0 || w.Delete)) {
		cur := protocol.Change{ID: w.ID, Rev: curRev, Seq: curSeq}
		if exists {
			if curLen == nil {
				cur.Deleted = true
			} else if err := wt.sendNotes(ctx); err != nil {
				return a, err
			} else if err := wt.tx.QueryRow(ctx, `SELECT blob FROM notes WHERE user_id = $1 AND id = $2`, wt.userID, w.ID).Scan(&cur.Blob); err != nil {
				return a, fmt.Errorf("read current note: %w", err)
			}
		}
		a.conflict = &cur
		return a, nil
	}
	var old int64
	if curLen != nil {
		old = *curLen
	}
	var blob []byte // nil binds NULL: a tombstone
	if !w.Delete {
		blob = w.Blob
		if blob == nil {
			blob = []byte{}
		}
		a.delta = int64(len(w.Blob))
	}
	a.delta -= old
	if !exists {
		a.delta += server.RowOverhead
	}
	keep := exists && curLen != nil && wt.histRevs > 0 // the replaced blob becomes history (SPEC §7.8)
	var drop historyDrop
	if keep {
		if drop, err = wt.planHistory(ctx, w.ID, st.stored); err != nil {
			return a, err
		}
		if drop.keep {
			a.delta += old + server.RowOverhead
		}
		a.delta -= drop.bytes
	}
	if a.delta > 0 && !w.Delete && quota > 0 && wt.used+a.delta > quota { // a delete is never refused
		return a, server.ErrQuotaExceeded
	}
	if keep {
		wt.keepHistory(w.ID, drop)
	}
	a.rev = w.BaseRev + 1
	a.seq = wt.seq + 1
	stored := wt.now().Unix()
	wt.queued.Queue(upsertNote, wt.userID, w.ID, a.rev, a.seq, blob, stored)
	var length *int64
	if !w.Delete {
		n := int64(len(w.Blob))
		length = &n
	}
	wt.notes[w.ID] = noteState{exists: true, rev: a.rev, seq: a.seq, length: length, stored: stored}
	wt.seq, wt.used, wt.dirty = a.seq, wt.used+a.delta, true
	a.used = wt.used
	return a, nil
}

// flush sends the queued note rows and writes back the account's
// sequence and byte count.
func (wt *writeTx) flush(ctx context.Context) error {
	if err := wt.sendNotes(ctx); err != nil {
		return err
	}
	if !wt.dirty {
		return nil
	}
	if _, err := wt.tx.Exec(ctx, `UPDATE users SET seq = $1, used_bytes = $2 WHERE id = $3`, wt.seq, wt.used, wt.userID); err != nil {
		return fmt.Errorf("write sequence: %w", err)
	}
	wt.dirty = false
	return nil
}

// historyDrop is what replacing a note's current blob does to its history.
type historyDrop struct {
	keep        bool // the replaced blob becomes a past revision
	bytes, rows int64
	upTo        uint64
	before      int64
}

// planHistory works out what replacing the current blob of a note (stored
// at the unix time curStored) does to its history, by the rules of
// store/sqlite: that blob is kept unless it is itself older than
// HistoryDays; past revisions go beyond HistoryRevisions or older than
// HistoryDays.
func (wt *writeTx) planHistory(ctx context.Context, id string, curStored int64) (historyDrop, error) {
	var d historyDrop
	if wt.histQueued[id] { // this batch changed the note's history already
		if err := wt.sendNotes(ctx); err != nil {
			return d, err
		}
	}
	if wt.histDays > 0 {
		d.before = wt.now().Add(-time.Duration(wt.histDays) * 24 * time.Hour).Unix()
	}
	d.keep = curStored >= d.before
	limit := wt.histRevs // the n-th past revision, newest first, counted out
	if !d.keep {
		limit++
	}
	rows, err := wt.tx.Query(ctx, `SELECT rev, stored, octet_length(blob) FROM note_history WHERE user_id = $1 AND note_id = $2 ORDER BY rev DESC`, wt.userID, id)
	if err != nil {
		return d, fmt.Errorf("read history: %w", err)
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		var rev uint64
		var stored, size int64
		if err := rows.Scan(&rev, &stored, &size); err != nil {
			return d, fmt.Errorf("read history: %w", err)
		}
		if n >= limit || stored < d.before {
			if n >= limit && d.upTo == 0 {
				d.upTo = rev
			}
			d.bytes += size + server.RowOverhead
			d.rows++
		}
	}
	return d, rows.Err()
}

// keepHistory moves the current blob of a note into its history when plan
// keeps it and drops what plan said.
//
// Both statements are queued behind the note rows already queued (the row
// copied is the one they leave) and ahead of this write's own row; the
// next planHistory of the same note sends them first.
func (wt *writeTx) keepHistory(id string, d historyDrop) {
	if d.keep {
		wt.queued.Queue(`INSERT INTO note_history (user_id, note_id, rev, stored, blob)
			SELECT user_id, id, rev, stored, blob FROM notes WHERE user_id = $1 AND id = $2 AND blob IS NOT NULL`, wt.userID, id)
	}
	if d.rows > 0 {
		wt.queued.Queue(`DELETE FROM note_history WHERE user_id = $1 AND note_id = $2 AND (rev <= $3 OR stored < $4)`,
			wt.userID, id, d.upTo, d.before)
	}
	wt.histQueued[id] = true
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"cipherleaf.dev/server"
)

// historyDrop is what replacing a note's current blob does to its history.
type historyDrop struct {
	keep        bool // the replaced blob becomes a past revision
	bytes, rows int64
	upTo        uint64 // drop revisions ≤ upTo (0 = none by count)
	before      int64  // and those stored before (unix seconds; 0 = none)
}

// planHistory works out, without writing, what replacing the current blob
// of a note (stored at the unix time curStored) does to its history. That
// blob is kept as a past revision unless it is itself older than
// HistoryDays (it would go in the same trim: SPEC §7.8 keeps none older);
// past revisions go beyond HistoryRevisions or older than HistoryDays.
// One statement reads only those, with their lengths, and the revision
// from which the count drops them (upTo), all from the index
// note_history_plan (migration 0009): a note's 100 kept revisions are
// weighed without reading their blobs' pages or passing each to Go.
func (wt *writeTx) planHistory(ctx context.Context, userID int64, id string, curStored int64) (historyDrop, error) {
	var d historyDrop
	if wt.histDays > 0 {
		d.before = wt.now().Add(-time.Duration(wt.histDays) * 24 * time.Hour).Unix()
	}
	d.keep = curStored >= d.before
	// The revision at offset histRevs-1, newest first, is the first one
	// counted out when the replaced blob takes the first place; at offset
	// histRevs when it is not kept.
	offset := wt.histRevs - 1
	if !d.keep {
		offset++
	}
	rows, err := wt.histPlan.QueryContext(ctx, userID, id, offset, d.before)
	if err != nil {
		return d, fmt.Errorf("read history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var size int64
		var upTo sql.NullInt64
		if err := rows.Scan(&size, &upTo); err != nil {
			return d, fmt.Errorf("read history: %w", err)
		}
		d.upTo = uint64(upTo.Int64)
		d.bytes += size + server.RowOverhead
		d.rows++
	}
	return d, rows.Err()
}

// keepHistory moves the current blob of a note into its history when plan
// keeps it and drops what plan said. Called before the note row is
// overwritten.
func (wt *writeTx) keepHistory(ctx context.Context, userID int64, id string, d historyDrop) error {
	if d.keep {
		if _, ok := wt.queuedKeys[noteKey{userID, id}]; ok { // the row copied is queued
			if err := wt.sendNotes(ctx); err != nil {
				return err
			}
		}
		if _, err := wt.histKeep.ExecContext(ctx, userID, id); err != nil {
			return fmt.Errorf("keep revision: %w", err)
		}
	}
	if d.rows == 0 {
		return nil
	}
	if _, err := wt.histTrim.ExecContext(ctx, userID, id, d.upTo, d.before); err != nil {
		return fmt.Errorf("trim history: %w", err)
	}
	return nil
}

// Revisions lists a note's revisions newest first: the current one (when
// the note is not deleted), then the kept past ones; only revisions below
// before when before > 0. more says whether there are further ones.
func (s *Store) Revisions(ctx context.Context, userID int64, id string, before uint64, limit int) (revs []server.Revision, more bool, err error) {
	if before == 0 {
		before = 1<<63 - 1
	}
	rows, err := s.r.QueryContext(ctx, `SELECT rev, stored, length(blob) FROM notes WHERE user_id = ? AND id = ? AND blob IS NOT NULL AND rev < ?
		UNION ALL SELECT rev, stored, length(blob) FROM note_history WHERE user_id = ? AND note_id = ? AND rev < ?
		ORDER BY rev DESC LIMIT ?`, userID, id, before, userID, id, before, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("list revisions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r server.Revision
		var stored int64
		if err := rows.Scan(&r.Rev, &stored, &r.Size); err != nil {
			return nil, false, fmt.Errorf("list revisions: %w", err)
		}
		r.Stored = time.Unix(stored, 0).UTC()
		revs = append(revs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("list revisions: %w", err)
	}
	if len(revs) > limit {
		return revs[:limit], true, nil
	}
	return revs, false, nil
}

// RevisionBlob returns the blob of one revision of a note (current or
// kept), or ErrNotFound.
func (s *Store) RevisionBlob(ctx context.Context, userID int64, id string, rev uint64) ([]byte, error) {
	var blob []byte
	err := s.r.QueryRowContext(ctx, `SELECT blob FROM notes WHERE user_id = ? AND id = ? AND rev = ? AND blob IS NOT NULL
		UNION ALL SELECT blob FROM note_history WHERE user_id = ? AND note_id = ? AND rev = ? LIMIT 1`,
		userID, id, rev, userID, id, rev).Scan(&blob)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, server.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read revision: %w", err)
	}
	return blob, nil
}

// SweepHistory drops past revisions older than the age limit for every
// user, giving their bytes back to the quota. It returns how many it dropped.
func (s *Store) SweepHistory(ctx context.Context) (int64, error) {
	if s.histDays <= 0 {
		return 0, nil
	}
	cutoff := s.now().Add(-time.Duration(s.histDays) * 24 * time.Hour).Unix()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("begin sweep: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE users SET used_bytes = used_bytes - (
		SELECT coalesce(sum(length(h.blob) + ?), 0) FROM note_history h WHERE h.user_id = users.id AND h.stored < ?)
		WHERE id IN (SELECT DISTINCT user_id FROM note_history WHERE stored < ?)`, server.RowOverhead, cutoff, cutoff); err != nil {
		return 0, fmt.Errorf("sweep history: %w", err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM note_history WHERE stored < ?`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("sweep history: %w", err)
	}
	n, _ := res.RowsAffected()
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit sweep: %w", err)
	}
	return n, nil
}

package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// upsertConflict ends an INSERT of note rows: a row replaces the note's.
const upsertConflict = `
	ON CONFLICT (user_id, id) DO UPDATE SET rev = excluded.rev, seq = excluded.seq, blob = excluded.blob, stored = excluded.stored`

// upsertRows are how many note rows the multi-row statements write,
// largest first (writeTx.sendNotes): a batch of 1,000 notes is 4
// statements, 999 is 3 + 15 + 9 single rows.
//
// Fewer, larger statements save calls, and more: a statement that writes
// several rows keeps a statement journal (the foreign key and unique
// constraints may abort it halfway), into which SQLite copies each
// existing page the statement changes, the first time it changes it. A
// batch's rows land all over the account's part of the id index, so
// every statement journaled nearly every leaf page of it: with 64 rows a
// statement that was about 7 MiB of journal per 1,000 notes (32 KiB
// pages, 10,000 notes in the account), with 250 rows 2.6 MiB. The
// journal is kept in memory (temp_store, writerPragmas).
var upsertRows = [...]int{250, 16}

// stmts are the statements of the hot paths, prepared once.
type stmts struct {
	sessionAuth *sql.Stmt                  // reader
	changes     *sql.Stmt                  // reader
	noteGet     *sql.Stmt                  // writer
	noteLoad    *sql.Stmt                  // writer
	histPlan    *sql.Stmt                  // writer
	histKeep    *sql.Stmt                  // writer
	histTrim    *sql.Stmt                  // writer
	userSeqGet  *sql.Stmt                  // writer
	userSeqSet  *sql.Stmt                  // writer
	noteUpsert  *sql.Stmt                  // writer
	notesUpsert [len(upsertRows)]*sql.Stmt // writer, upsertRows[i] rows
	touch       *sql.Stmt                  // writer
}

func (s *stmts) prepare(ctx context.Context, w, r *sql.DB) error {
	var err error
	p := func(db *sql.DB, q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = db.PrepareContext(ctx, q)
		if err != nil {
			err = fmt.Errorf("prepare %q: %w", q, err)
		}
		return st
	}
	s.sessionAuth = p(r, `SELECT u.id, u.uid, u.disabled, s.last_seen FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?`)
	s.changes = p(r, `SELECT id, rev, seq, blob FROM notes WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?`)
	s.noteGet = p(w, `SELECT rev, seq, length(blob), stored FROM notes WHERE user_id = ? AND id = ?`)
	s.noteLoad = p(w, `SELECT id, rev, seq, length(blob), stored FROM notes WHERE user_id = ? AND id IN (SELECT value FROM json_each(?))`)
	s.histPlan = p(w, `SELECT length(blob), (SELECT rev FROM note_history WHERE user_id = ?1 AND note_id = ?2 ORDER BY rev DESC LIMIT 1 OFFSET ?3)
		FROM note_history WHERE user_id = ?1 AND note_id = ?2
		AND (rev <= coalesce((SELECT rev FROM note_history WHERE user_id = ?1 AND note_id = ?2 ORDER BY rev DESC LIMIT 1 OFFSET ?3), 0) OR stored < ?4)`)
	s.histKeep = p(w, `INSERT INTO note_history (user_id, note_id, rev, stored, blob)
		SELECT user_id, id, rev, stored, blob FROM notes WHERE user_id = ? AND id = ? AND blob IS NOT NULL`)
	s.histTrim = p(w, `DELETE FROM note_history WHERE user_id = ? AND note_id = ? AND (rev <= ? OR stored < ?)`)
	s.userSeqGet = p(w, `SELECT seq, used_bytes FROM users WHERE id = ?`)
	s.userSeqSet = p(w, `UPDATE users SET seq = ?, used_bytes = ? WHERE id = ?`)
	s.noteUpsert = p(w, `INSERT INTO notes (user_id, id, rev, seq, blob, stored) VALUES (?, ?, ?, ?, ?, ?)`+upsertConflict)
	for i, n := range upsertRows {
		s.notesUpsert[i] = p(w, `INSERT INTO notes (user_id, id, rev, seq, blob, stored) VALUES `+
			strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?, ?, ?), `, n), ", ")+upsertConflict)
	}
	s.touch = p(w, `UPDATE sessions SET last_seen = ? WHERE id = ?`)
	return err
}

func (s *stmts) close() {
	for _, st := range []*sql.Stmt{s.sessionAuth, s.changes, s.noteGet, s.noteLoad, s.histPlan, s.histKeep, s.histTrim, s.userSeqGet, s.userSeqSet, s.noteUpsert, s.touch} {
		if st != nil {
			st.Close()
		}
	}
	for _, st := range s.notesUpsert {
		if st != nil {
			st.Close()
		}
	}
}

package vault

import (
	"context"
	"database/sql"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"cipherleaf.dev/shared/sqlmigrate"
)

// oldVault makes the vault file at file as a release of schema version upTo
// left it: the embedded migrations up to that one and nothing after. The
// caller closes the database before opening the file with Open.
func oldVault(t *testing.T, file string, upTo int) *sql.DB {
	t.Helper()
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	old := fstest.MapFS{}
	for _, name := range names {
		n, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil {
			t.Fatal(err)
		}
		if n <= upTo {
			body, err := migrationFS.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			old[name] = &fstest.MapFile{Data: body}
		}
	}
	db, err := sql.Open("sqlite3", "file:"+file+"?_foreign_keys=on&_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	if err := sqlmigrate.Apply(context.Background(), db, old, "migrations"); err != nil {
		db.Close()
		t.Fatal(err)
	}
	return db
}

// TestMigration3MovesEnvelopes: a version 2 vault's notes read the same
// after the envelopes move to their own table (SPEC §8), the columns are
// gone from notes, and deleting a note still takes its envelope along.
func TestMigration3MovesEnvelopes(t *testing.T) {
	file := t.TempDir() + "/" + FileName
	db := oldVault(t, file, 2)
	live := Note{ID: batchID(1), Rev: 3, Envelope: []byte("sealed-1"), Gen: 2, BaseRev: 2, BaseEnvelope: []byte("base-1"), SeenRev: 2, Op: OpPut, Version: 1}
	gone := Note{ID: batchID(2), Rev: 5, BaseRev: 4, SeenRev: 4, Deleted: true, Op: OpDelete, Version: 1}
	newer := Note{ID: batchID(3), Rev: 1, Envelope: []byte("newer-format"), BaseRev: 1, SeenRev: 1}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO notes (id, rev, envelope, gen, base_rev, base_envelope, seen_rev, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			[]any{live.ID, live.Rev, live.Envelope, live.Gen, live.BaseRev, live.BaseEnvelope, live.SeenRev, live.Deleted}},
		// The gen of a note without an envelope meant nothing and is not kept.
		{`INSERT INTO notes (id, rev, envelope, gen, base_rev, seen_rev, deleted) VALUES (?, ?, NULL, 1, ?, ?, 1)`,
			[]any{gone.ID, gone.Rev, gone.BaseRev, gone.SeenRev}},
		{`INSERT INTO notes (id, rev, envelope, gen, base_rev, seen_rev) VALUES (?, ?, ?, 0, ?, ?)`,
			[]any{newer.ID, newer.Rev, newer.Envelope, newer.BaseRev, newer.SeenRev}},
		{`INSERT INTO pending (note_id, op) VALUES (?, 'put'), (?, 'delete')`, []any{live.ID, gone.ID}},
	} {
		if _, err := db.Exec(q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	ctx := context.Background()
	v, err := Open(ctx, file)
	if err != nil {
		t.Fatalf("migrate a version 2 vault: %v", err)
	}
	defer v.Close()
	err = v.Update(ctx, func(tx *Tx) error {
		for _, want := range []Note{live, gone, newer} {
			got, err := tx.Note(want.ID)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Note(%s) after migration = %+v, want %+v", want.ID, got, want)
			}
		}
		var listed []string
		if err := tx.Notes(func(n Note) error { listed = append(listed, n.ID); return nil }); err != nil {
			return err
		}
		if len(listed) != 2 || !strings.Contains(strings.Join(listed, " "), live.ID) || !strings.Contains(strings.Join(listed, " "), newer.ID) {
			t.Errorf("Notes lists %v, want %s and %s", listed, live.ID, newer.ID)
		}
		old, err := tx.OldGeneration(3, 10)
		if err != nil {
			return err
		}
		if len(old) != 1 || old[0].ID != live.ID {
			t.Errorf("OldGeneration(3) = %+v, want only %s", old, live.ID)
		}
		var cols []string
		rows, err := tx.tx.QueryContext(ctx, "SELECT name FROM pragma_table_info('notes')")
		if err != nil {
			return err
		}
		for rows.Next() {
			var c string
			rows.Scan(&c)
			cols = append(cols, c)
		}
		rows.Close()
		// A file made before keeps its pages; its log is bounded in bytes.
		var ps, ac int
		tx.tx.QueryRowContext(ctx, "PRAGMA page_size").Scan(&ps)
		tx.tx.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&ac)
		if ps != 4096 || ac != autoCheckpointBytes/4096 {
			t.Errorf("old file: page_size=%d wal_autocheckpoint=%d, want 4096 %d", ps, ac, autoCheckpointBytes/4096)
		}
		if slices.Contains(cols, "envelope") || slices.Contains(cols, "gen") {
			t.Errorf("notes columns after migration: %v", cols)
		}
		if err := tx.DeleteNote(live.ID); err != nil {
			return err
		}
		var n int
		if err := tx.tx.QueryRowContext(ctx, "SELECT count(*) FROM envelopes WHERE note_id = ?", live.ID).Scan(&n); err != nil {
			return err
		}
		if n != 0 {
			t.Errorf("%d envelopes left of a deleted note", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

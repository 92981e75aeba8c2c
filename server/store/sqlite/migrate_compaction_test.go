package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"cipherleaf.dev/shared/sqlmigrate"
)

// TestMigrate0008StartsRetentionNow: tombstones written before notes.stored
// existed (stored = 0) get the migration's time, so they are not compacted
// at the first start after the upgrade; live rows keep their value.
func TestMigrate0008StartsRetentionNow(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db.sqlite")
	db, err := sql.Open("sqlite3", dsn(path, false, DurablePowerLoss))
	if err != nil {
		t.Fatal(err)
	}
	upTo7 := fstest.MapFS{}
	names, _ := fs.Glob(migrationFS, "migrations/*.sql")
	for _, n := range names {
		if filepath.Base(n) >= "0008" {
			continue
		}
		b, err := migrationFS.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		upTo7[n] = &fstest.MapFile{Data: b}
	}
	if err := sqlmigrate.Apply(ctx, db, upTo7, "migrations"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO users (uid, username, auth_hash, recovery_hash, kdf, wrapped_key, recovery_wrapped_key, created)
			VALUES ('u1', 'alice', x'01', x'02', '{}', x'03', x'04', 0)`,
		`INSERT INTO notes (user_id, id, rev, seq, blob, stored) VALUES (1, 'dead', 2, 2, NULL, 0), (1, 'live', 1, 1, x'00', 0)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%.40s: %v", q, err)
		}
	}
	db.Close()
	before := time.Now().Unix()
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stored := map[string]int64{}
	rows, err := s.r.Query(`SELECT id, stored FROM notes`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var at int64
		rows.Scan(&id, &at)
		stored[id] = at
	}
	rows.Close()
	if stored["dead"] < before || stored["live"] != 0 {
		t.Errorf("stored after 0008 = %v, want the tombstone at the migration time (>= %d) and the live note untouched", stored, before)
	}
	if c, err := s.CompactTombstones(ctx, time.Hour); err != nil || c.Tombstones != 0 {
		t.Errorf("CompactTombstones(1h) right after the upgrade = %+v, %v; want nothing", c, err)
	}
}

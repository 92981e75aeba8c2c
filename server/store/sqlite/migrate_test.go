package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"testing/fstest"

	_ "github.com/mattn/go-sqlite3"

	"cipherleaf.dev/shared/sqlmigrate"
)

func TestMigrationsApplyInOrderAndRollBackWhole(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite3", filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fsys := fstest.MapFS{
		"m/0001_a.sql": {Data: []byte("CREATE TABLE a (x INTEGER);")},
		"m/0002_b.sql": {Data: []byte("CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);")},
		"m/0003_c.sql": {Data: []byte("CREATE TABLE c (x INTEGER);")},
	}
	if err := sqlmigrate.Apply(ctx, db, fsys, "m"); err == nil {
		t.Fatal("Apply with a broken migration = nil, want error")
	}
	version := func() int {
		var v int
		if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	exists := func(table string) bool {
		var n int
		db.QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", table).Scan(&n)
		return n == 1
	}
	if v := version(); v != 1 {
		t.Errorf("user_version after failure = %d, want 1", v)
	}
	if !exists("a") || exists("b") || exists("c") {
		t.Errorf("tables a,b,c = %v,%v,%v, want true,false,false", exists("a"), exists("b"), exists("c"))
	}
	fsys["m/0002_b.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE b (x INTEGER);")}
	if err := sqlmigrate.Apply(ctx, db, fsys, "m"); err != nil {
		t.Fatalf("Apply after fix = %v", err)
	}
	if v := version(); v != 3 || !exists("b") || !exists("c") {
		t.Errorf("after fix: user_version %d, b %v, c %v; want 3, true, true", v, exists("b"), exists("c"))
	}
	if err := sqlmigrate.Apply(ctx, db, fsys, "m"); err != nil {
		t.Errorf("Apply again = %v, want nil (nothing to do)", err)
	}
}

// TestMigrateKeepsSuccessor: a database of schema 1 keeps its one successor.
func TestMigrateKeepsSuccessor(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db.sqlite")
	db, err := sql.Open("sqlite3", dsn(path, false, DurablePowerLoss))
	if err != nil {
		t.Fatal(err)
	}
	schema1, err := migrationFS.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{string(schema1), `PRAGMA user_version = 1`,
		`INSERT INTO users (uid, username, auth_hash, recovery_hash, kdf, wrapped_key, recovery_wrapped_key, successor, created)
			VALUES ('u1', 'alice', x'01', x'02', '{}', x'03', x'04', x'0506', 0),
			       ('u2', 'bob', x'01', x'02', '{}', x'03', x'04', NULL, 0)`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%.40s: %v", q, err)
		}
	}
	db.Close()
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatalf("Open(schema 1): %v", err)
	}
	defer s.Close()
	for name, want := range map[string][][]byte{"alice": {{5, 6}}, "bob": nil} {
		u, err := s.UserByName(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		succ, err := s.Successors(context.Background(), u.ID)
		if err != nil || len(succ) != len(want) || (len(want) == 1 && !bytes.Equal(succ[0], want[0])) {
			t.Errorf("Successors(%s) after migration = %x, %v; want %x", name, succ, err, want)
		}
	}
}

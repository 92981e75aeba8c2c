package sqlite

import (
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

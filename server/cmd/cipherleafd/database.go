package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/store/postgres"
	"cipherleaf.dev/server/store/sqlite"
)

// dbFlag registers --db (CIPHERLEAF_DB): the PostgreSQL database shared
// by replicas. Empty means SQLite in the data folder, the default.
func dbFlag(fs *flag.FlagSet, db *string) {
	fs.StringVar(db, "db", "", "PostgreSQL database shared by replicas (postgres://USER@HOST/DB?…); default: SQLite in --data")
}

// isPostgres reports whether db names a PostgreSQL database.
func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

func checkDB(db string) error {
	if db != "" && !isPostgres(db) {
		return fmt.Errorf("%w: --db must be a postgres:// address (SQLite is the default: leave --db out)", errUsage)
	}
	return nil
}

// storeConfig is what both engines are opened with.
type storeConfig struct {
	db                 string // postgres://… or "" for SQLite in the data folder
	durability         sqlite.Durability
	histRevs, histDays int
	readConns          int // SQLite read pool; 0: the default
	maxConns           int32
}

// openDatabase opens the server's store: PostgreSQL when cfg.db is set,
// else SQLite in the data folder. The address is never logged: it may
// hold a password.
func openDatabase(ctx context.Context, d dataDir, cfg storeConfig) (server.Store, error) {
	if err := checkDB(cfg.db); err != nil {
		return nil, err
	}
	if cfg.db != "" {
		return postgres.Open(ctx, cfg.db, postgres.Options{MaxConns: cfg.maxConns, HistoryRevisions: cfg.histRevs, HistoryDays: cfg.histDays})
	}
	return sqlite.Open(ctx, d.db(), sqlite.Options{Durability: cfg.durability, ReadConn: cfg.readConns,
		HistoryRevisions: cfg.histRevs, HistoryDays: cfg.histDays})
}

// openStore opens the store of an admin command: with --db the shared
// PostgreSQL database (no data folder needed), else the data folder's
// SQLite database, which must exist.
func openStore(ctx context.Context, data, db string) (server.Store, error) {
	if db == "" {
		d := dataDir(data)
		if err := d.mustExist(); err != nil {
			return nil, err
		}
	}
	return openDatabase(ctx, dataDir(data), storeConfig{db: db, readConns: 1, maxConns: 2})
}

// engineName says which engine a store is, for the log.
func engineName(db string) string {
	if db != "" {
		return "postgres"
	}
	return "sqlite"
}

//go:build !cgo

package sqlite

import "database/sql"

// openDB: without cgo the driver is a stub that fails every connection
// (see errors_nocgo.go), so the pragmas have nowhere to go.
func openDB(dsn string, _ ...string) *sql.DB {
	db, _ := sql.Open("sqlite3", dsn) // only fails for an unknown driver name
	return db
}

package sqlite

import (
	"database/sql"
	"fmt"
)

// OpenReadOnly opens the database file at path for reading only, with
// the store's pragmas, for tools that copy it (cipherleafd migrate-db).
// Open it with Open first to bring its schema up to date.
func OpenReadOnly(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite3", dsn(path, true, DurablePowerLoss))
	if err != nil {
		return nil, fmt.Errorf("open database for reading: %w", err)
	}
	return db, nil
}

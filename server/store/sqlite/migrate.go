package sqlite

import (
	"context"
	"database/sql"
	"embed"

	"cipherleaf.dev/shared/sqlmigrate"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrate brings the schema up to date with the embedded migrations.
func migrate(ctx context.Context, db *sql.DB) error {
	return sqlmigrate.Apply(ctx, db, migrationFS, "migrations")
}

package postgres

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
)

// Driver errors are classified by SQLSTATE code, never by message text.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
)

func pgCode(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// isUniqueViolation reports a UNIQUE or PRIMARY KEY constraint failure.
func isUniqueViolation(err error) bool { return pgCode(err) == codeUniqueViolation }

// isForeignKeyViolation reports a FOREIGN KEY constraint failure.
func isForeignKeyViolation(err error) bool { return pgCode(err) == codeForeignKeyViolation }

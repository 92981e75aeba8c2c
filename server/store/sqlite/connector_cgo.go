//go:build cgo

package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/mattn/go-sqlite3"
)

// openDB opens dsn with pragmas run on every new connection (the DSN
// cannot carry them).
func openDB(dsn string, pragmas ...string) *sql.DB {
	return sql.OpenDB(&connector{dsn: dsn, drv: &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		for _, p := range pragmas {
			if _, err := c.Exec(p, nil); err != nil {
				return fmt.Errorf("set %q: %w", p, err)
			}
		}
		return nil
	}}})
}

// connector opens connections to one DSN with its own driver value (so
// no driver is registered globally for the pragmas).
type connector struct {
	dsn string
	drv *sqlite3.SQLiteDriver
}

func (c *connector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c *connector) Driver() driver.Driver                        { return c.drv }

package vault

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Tx is one vault transaction, read-only inside View.
type Tx struct {
	v     *Vault
	tx    *sql.Tx
	ctx   context.Context
	stmts map[string]*sql.Stmt
	after []func()
}

// AfterCommit registers f to run once the transaction has committed.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

// stmt returns a statement prepared once per transaction.
func (tx *Tx) stmt(query string) (*sql.Stmt, error) {
	if s, ok := tx.stmts[query]; ok {
		return s, nil
	}
	ds, err := tx.v.prepared(tx.ctx, query)
	if err != nil {
		return nil, err
	}
	s := tx.tx.StmtContext(tx.ctx, ds)
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[query] = s
	return s, nil
}

func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	s, err := tx.stmt(query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(tx.ctx, args...)
}

func (tx *Tx) meta(key string) (string, error) {
	var v []byte
	err := tx.tx.QueryRowContext(tx.ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", key, err)
	}
	return string(v), nil
}

func (tx *Tx) setMeta(key, value string) error {
	_, err := tx.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, []byte(value))
	if err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

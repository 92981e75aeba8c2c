// Package copydb moves a whole server from SQLite to PostgreSQL
// (cipherleafd migrate-db): every row of every table, copied as it is in
// one PostgreSQL transaction, then verified by row counts and a SHA-256
// over every table's rows (blobs included) read back from both sides.
// Attachment bytes are not in the database; the caller copies them.
package copydb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNotEmpty: the target database already holds rows; nothing was copied.
var ErrNotEmpty = errors.New("target database is not empty")

// column kinds, the same on both engines.
const (
	kInt   = 'i' // INTEGER / bigint, nullable
	kText  = 't' // TEXT / text
	kBytes = 'b' // BLOB / bytea, nullable (NULL and empty differ)
	kBool  = 'B' // INTEGER 0/1 / boolean
)

type column struct {
	name string
	kind byte
}

type table struct {
	name    string
	cols    []column
	orderBy string
}

func cols(spec string) []column {
	var out []column
	for _, f := range strings.Fields(spec) {
		name, kind, _ := strings.Cut(f, ":")
		out = append(out, column{name, kind[0]})
	}
	return out
}

// tables are copied in this order (parents before children). The column
// lists are the schema of store/sqlite's migrations 0001–0008 and
// store/postgres's 0001; a column added to one engine must be added here.
var tables = []table{
	{"users", cols("id:i uid:t username:t auth_hash:b recovery_hash:b kdf:t wrapped_key:b recovery_wrapped_key:b disabled:B seq:i used_bytes:i manifest_version:i manifest:b created:i key_generation:i compacted_seq:i"), "id"},
	{"sessions", cols("id:t user_id:i device_name:t refresh_hash:b created:i last_seen:i"), "id"},
	{"spent_refresh", cols("hash:b session_id:t"), "hash"},
	{"notes", cols("user_id:i id:t rev:i seq:i blob:b stored:i"), "user_id, id"},
	{"successors", cols("id:i user_id:i blob:b"), "id"},
	{"two_factor", cols("user_id:i secret:b pending:b last_step:i"), "user_id"},
	{"recovery_codes", cols("user_id:i hash:b"), "user_id, hash"},
	{"attachments", cols("user_uid:t id:t size:i complete:B created:i released:i"), "user_uid, id"},
	{"note_history", cols("user_id:i note_id:t rev:i stored:i blob:b"), "user_id, note_id, rev"},
}

// TableReport is what was copied of one table.
type TableReport struct {
	Table  string
	Rows   int64
	SHA256 [32]byte // over every row, in primary-key order
}

// Report lists every table, in copy order.
type Report []TableReport

func (t table) selectSQL() string {
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = c.name
	}
	// Table and column names are the constants above, never input.
	return `SELECT ` + strings.Join(names, ", ") + ` FROM ` + t.name + ` ORDER BY ` + t.orderBy
}

// dests returns scan targets for one row: nullable pointers, so NULL and
// zero (and NULL and empty bytes) stay apart on both engines.
func (t table) dests() []any {
	d := make([]any, len(t.cols))
	for i, c := range t.cols {
		switch c.kind {
		case kInt:
			d[i] = new(*int64)
		case kText:
			d[i] = new(*string)
		case kBytes:
			d[i] = new([]byte)
		case kBool:
			d[i] = new(*bool)
		}
	}
	return d
}

// values turns scanned targets into copy values.
func values(d []any) []any {
	v := make([]any, len(d))
	for i, x := range d {
		switch p := x.(type) {
		case **int64:
			v[i] = *p
		case **string:
			v[i] = *p
		case *[]byte:
			v[i] = *p
		case **bool:
			v[i] = *p
		}
	}
	return v
}

// hashRow adds one row to h, every value length-prefixed with a NULL tag.
func hashRow(h hash.Hash, row []any) {
	var n [9]byte
	put := func(null bool, b []byte) {
		n[0] = 1
		if null {
			n[0] = 0
		}
		binary.BigEndian.PutUint64(n[1:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	for _, v := range row {
		switch x := v.(type) {
		case *int64:
			if x == nil {
				put(true, nil)
			} else {
				put(false, binary.BigEndian.AppendUint64(nil, uint64(*x)))
			}
		case *string:
			if x == nil {
				put(true, nil)
			} else {
				put(false, []byte(*x))
			}
		case []byte:
			put(x == nil, x)
		case *bool:
			if x == nil {
				put(true, nil)
			} else if *x {
				put(false, []byte{1})
			} else {
				put(false, []byte{0})
			}
		}
	}
}

// readSQLite reads every row of t from the SQLite database, in order.
func readSQLite(ctx context.Context, db *sql.DB, t table, fn func(row []any) error) error {
	rows, err := db.QueryContext(ctx, t.selectSQL())
	if err != nil {
		return fmt.Errorf("read %s: %w", t.name, err)
	}
	defer rows.Close()
	return readRows(rows, t, fn)
}

// readPostgres reads every row of t from PostgreSQL, in order.
func readPostgres(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, t table, fn func(row []any) error) error {
	rows, err := q.Query(ctx, t.selectSQL())
	if err != nil {
		return fmt.Errorf("read %s: %w", t.name, err)
	}
	defer rows.Close()
	return readRows(rows, t, fn)
}

// readRows hands each row of t that rows holds (*sql.Rows or pgx.Rows) to fn.
func readRows(rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}, t table, fn func(row []any) error) error {
	for rows.Next() {
		d := t.dests()
		if err := rows.Scan(d...); err != nil {
			return fmt.Errorf("read %s: %w", t.name, err)
		}
		if err := fn(values(d)); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", t.name, err)
	}
	return nil
}

// Empty reports whether the PostgreSQL database holds no row in any table.
func Empty(ctx context.Context, dst *pgxpool.Pool) (bool, error) {
	for _, t := range tables {
		var any bool
		// t.name is a constant of this package.
		if err := dst.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+t.name+`)`).Scan(&any); err != nil {
			return false, fmt.Errorf("check target %s: %w", t.name, err)
		}
		if any {
			return false, nil
		}
	}
	return true, nil
}

// Copy copies every row of src (a migrated SQLite database, with no
// server writing to it) into dst (a migrated, empty PostgreSQL database)
// in one transaction, and then Verify. A non-empty dst is ErrNotEmpty and
// is left untouched.
func Copy(ctx context.Context, src *sql.DB, dst *pgxpool.Pool) (Report, error) {
	empty, err := Empty(ctx, dst)
	if err != nil {
		return nil, err
	}
	if !empty {
		return nil, ErrNotEmpty
	}
	err = pgx.BeginFunc(ctx, dst, func(tx pgx.Tx) error {
		for _, t := range tables {
			var batch [][]any
			flush := func() error {
				if len(batch) == 0 {
					return nil
				}
				names := make([]string, len(t.cols))
				for i, c := range t.cols {
					names[i] = c.name
				}
				if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, names, pgx.CopyFromRows(batch)); err != nil {
					return fmt.Errorf("copy %s: %w", t.name, err)
				}
				batch = batch[:0]
				return nil
			}
			if err := readSQLite(ctx, src, t, func(row []any) error {
				batch = append(batch, row)
				if len(batch) == 1000 {
					return flush()
				}
				return nil
			}); err != nil {
				return err
			}
			if err := flush(); err != nil {
				return err
			}
		}
		// Identity columns continue after the copied ids.
		for _, t := range []string{"users", "successors"} {
			if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), coalesce(max(id), 0) + 1, false) FROM `+t); err != nil {
				return fmt.Errorf("advance %s ids: %w", t, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return Verify(ctx, src, dst)
}

// Verify reads every table from both databases and compares row counts
// and SHA-256 over the rows; the first difference is an error.
func Verify(ctx context.Context, src *sql.DB, dst *pgxpool.Pool) (Report, error) {
	var out Report
	for _, t := range tables {
		a, err := summarize(func(fn func([]any) error) error { return readSQLite(ctx, src, t, fn) })
		if err != nil {
			return out, err
		}
		b, err := summarize(func(fn func([]any) error) error { return readPostgres(ctx, dst, t, fn) })
		if err != nil {
			return out, err
		}
		a.Table = t.name
		if a.Rows != b.Rows {
			return out, fmt.Errorf("verify %s: %d rows in SQLite, %d in PostgreSQL", t.name, a.Rows, b.Rows)
		}
		if a.SHA256 != b.SHA256 {
			return out, fmt.Errorf("verify %s: the rows differ (SHA-256 %x in SQLite, %x in PostgreSQL)", t.name, a.SHA256[:8], b.SHA256[:8])
		}
		out = append(out, a)
	}
	return out, nil
}

func summarize(read func(func([]any) error) error) (TableReport, error) {
	var r TableReport
	h := sha256.New()
	err := read(func(row []any) error {
		hashRow(h, row)
		r.Rows++
		return nil
	})
	h.Sum(r.SHA256[:0])
	return r, err
}

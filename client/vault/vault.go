package vault

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync"
	"sync/atomic"

	"github.com/mattn/go-sqlite3"
)

// FileName is the vault's file name inside a profile folder.
const FileName = "vault.db"

// The vault's connections checkpoint the write-ahead log themselves only
// past autoCheckpointBytes; before that, Update starts a checkpoint in the
// background (maybeCheckpoint), so that a large transaction (the first
// pull of an account) does not pay for copying its pages to the main file
// before it returns. A padded envelope of a 1 KiB note fills half of a
// 4 KiB page, so the first pull of 10,000 such notes into a file of 4 KiB
// pages writes about 10,500 pages: at the former 10,000 its commit ran the
// checkpoint itself (the whole log copied, two fsyncs), which doubled that
// transaction's time.
//
// Once a checkpoint has copied every frame, the next write starts the log
// again from its beginning; SQLite then cuts a file larger than
// walKeepBytes back to that size. The cut costs about as much as the bytes
// it drops: cutting a 160 MiB log took 90-110 ms inside a write. So the
// log is kept small instead: a background checkpoint completes (see
// maybeCheckpoint) once the log has grown by bgCheckpointBytes or taken
// bgCheckpointCommits commits since the last one, and the file it leaves
// behind is reused, not cut, up to walKeepBytes.
//
// A new vault file is made with pageSize pages (SPEC §8): a padded 1 KiB
// note's envelope (about 2.1 KiB) left half of each 4 KiB page empty, one
// envelope to a page, so a first pull of 10,000 notes wrote 40 MiB of
// pages to the log and copied them again at the checkpoint; in 8 KiB
// pages three fit, about 28 MiB in all. (16 KiB pages saved little more
// on a pull and made every small commit, an autosave, write twice the
// bytes again: 10,000 single-note writes took 60 % longer than with 4 KiB
// pages, against 15 % with 8 KiB.) A file made before keeps its 4 KiB
// pages (changing them takes a VACUUM outside WAL mode).
const (
	driverName          = "sqlite3_cipherleaf"
	autoCheckpointBytes = 160 << 20
	bgCheckpointBytes   = 16 << 20
	bgCheckpointCommits = 256
	walKeepBytes        = 32 << 20
	pageSize            = 8 << 10
)

var registerDriver sync.Once

// Vault is an open vault file. It is safe for concurrent use; write
// transactions are serialized.
type Vault struct {
	db   *sql.DB
	path string
	wmu  sync.Mutex // serializes Update, so post-commit hooks run in commit order
	// w is the one connection every Update writes on (guarded by wmu):
	// its data_version moves only when another connection, another
	// process, commits (IfChanged).
	w *sql.Conn

	smu   sync.Mutex
	stmts map[string]*sql.Stmt // prepared once per vault, reused by every Tx

	ckpt  atomic.Bool    // a background checkpoint is running
	ckpts atomic.Int64   // background checkpoints started
	bg    sync.WaitGroup // background checkpoints, waited for by Close
	// Guarded by wmu: the log file's size when the last background
	// checkpoint started, and the commits since.
	ckptSize    int64
	ckptCommits int
	// betweenPasses, if set (tests), runs between a background
	// checkpoint's two passes.
	betweenPasses func()

	tokens   TokenKeeper // nil: tokens stay in the file (tokens.go)
	tmu      sync.Mutex  // guards tokenErr
	tokenErr error
}

// prepared returns the vault-wide prepared statement for query.
func (v *Vault) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	v.smu.Lock()
	defer v.smu.Unlock()
	if s, ok := v.stmts[query]; ok {
		return s, nil
	}
	s, err := v.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if v.stmts == nil {
		v.stmts = map[string]*sql.Stmt{}
	}
	v.stmts[query] = s
	return s, nil
}

// Open opens (creating if needed, mode 0600) the vault at path and brings its
// schema up to date.
func Open(ctx context.Context, path string) (*Vault, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create vault file: %w", err)
	}
	fi, err := f.Stat()
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("create vault file: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return nil, fmt.Errorf("restrict vault file: %w", err)
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "10000")
	q.Set("_synchronous", "NORMAL")
	registerDriver.Do(func() {
		sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
			size, err := connPageSize(c)
			if err != nil {
				return err
			}
			_, err = c.Exec(fmt.Sprintf("PRAGMA wal_autocheckpoint = %d; PRAGMA journal_size_limit = %d", autoCheckpointBytes/size, walKeepBytes), nil)
			return err
		}})
	})
	if fi.Size() == 0 {
		if err := initFile(ctx, path); err != nil {
			return nil, err
		}
	}
	db, err := sql.Open(driverName, "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open vault: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open vault: %w", err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate vault: %w", err)
	}
	w, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open vault: %w", err)
	}
	v := &Vault{db: db, path: path, w: w}
	if err := v.ensureProfileID(ctx); err != nil {
		w.Close()
		db.Close()
		return nil, err
	}
	if err := v.ensureDeviceID(ctx); err != nil {
		w.Close()
		db.Close()
		return nil, err
	}
	return v, nil
}

// Path returns the vault file's path.
func (v *Vault) Path() string { return v.path }

// Close closes the database.
func (v *Vault) Close() error {
	v.bg.Wait()
	v.smu.Lock()
	for _, s := range v.stmts {
		s.Close()
	}
	v.stmts = nil
	v.smu.Unlock()
	v.wmu.Lock()
	v.w.Close()
	v.wmu.Unlock()
	if err := v.db.Close(); err != nil {
		return fmt.Errorf("close vault: %w", err)
	}
	return nil
}

// Checkpoint folds the write-ahead log into the main file.
func (v *Vault) Checkpoint(ctx context.Context) error {
	if _, err := v.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return fmt.Errorf("checkpoint vault: %w", err)
	}
	return nil
}

// Update runs fn in one write transaction. Hooks registered with
// Tx.AfterCommit run after a successful commit, before the next Update
// starts, so in-memory state follows the vault in commit order.
func (v *Vault) Update(ctx context.Context, fn func(tx *Tx) error) error {
	v.wmu.Lock()
	defer v.wmu.Unlock()
	sqlTx, err := v.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("begin vault transaction: %w", err)
	}
	tx := &Tx{v: v, tx: sqlTx, ctx: ctx}
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit vault transaction: %w", err)
	}
	v.maybeCheckpoint()
	for _, f := range tx.after {
		f()
	}
	return nil
}

// beginWrite begins a transaction on the write connection (under wmu).
// database/sql discards the connection of a transaction whose context ends
// before it does, which would end v.w for good: the transaction is begun
// without ctx's cancellation, while its statements still run with ctx (an
// ended ctx interrupts them, and Update rolls back). Should v.w end all the
// same, the next Update takes another connection.
//
// The transaction takes SQLite's write lock at once, as BEGIN IMMEDIATE
// would (database/sql has no way to ask for it): its first statement is a
// write that changes nothing. A transaction begun deferred starts as a
// reader at its first read, and if another connection (cipherleaf-cli
// beside the app) commits before its first write, SQLite refuses that
// write at once with "database is locked", without waiting: the write
// would be based on a snapshot that is no longer the newest. Taken at the
// start, the lock is waited for (busy_timeout) and the reads see the
// newest data.
func (v *Vault) beginWrite(ctx context.Context) (*sql.Tx, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sqlTx, err := v.w.BeginTx(context.WithoutCancel(ctx), nil)
	if errors.Is(err, sql.ErrConnDone) {
		w, cerr := v.db.Conn(ctx)
		if cerr != nil {
			return nil, cerr
		}
		v.w.Close()
		v.w = w
		sqlTx, err = v.w.BeginTx(context.WithoutCancel(ctx), nil)
	}
	if err != nil {
		return nil, err
	}
	if _, err := sqlTx.ExecContext(ctx, "DELETE FROM meta WHERE 0"); err != nil {
		sqlTx.Rollback()
		return nil, fmt.Errorf("take the vault's write lock: %w", err)
	}
	return sqlTx, nil
}

// maybeCheckpoint starts a checkpoint in the background (one at a time)
// once the write-ahead log file has grown by bgCheckpointBytes, or taken
// bgCheckpointCommits commits, since the last one started. It runs under
// wmu, after a commit.
//
// The file's size is the measure of growth because SQLite reports no
// other: once the log starts again from its beginning the file keeps its
// size (up to walKeepBytes), and only grows again when the log outgrows
// it. Small commits (autosaves) rewrite it from its beginning and are
// counted instead; checking the size alone started a checkpoint, with
// its fsyncs, after every one of them.
//
// The checkpoint first copies the log's pages into the main file beside
// the writes that go on meanwhile (a passive checkpoint), then, between
// two of this vault's writes (under wmu), the pages written during that
// first pass: the log is then wholly in the main file, and the next write
// starts it again. A passive pass alone never caught up while writes kept
// coming (10,000 notes created one by one): the log grew to
// autoCheckpointBytes, and the first write of the push that followed paid
// 40-80 ms for the cut.
func (v *Vault) maybeCheckpoint() {
	v.ckptCommits++
	fi, err := os.Stat(v.path + "-wal")
	if err != nil {
		return
	}
	if size := fi.Size(); size < v.ckptSize {
		v.ckptSize = size // cut back (or made again by another process)
	}
	if fi.Size() < v.ckptSize+bgCheckpointBytes && v.ckptCommits < bgCheckpointCommits {
		return
	}
	if !v.ckpt.CompareAndSwap(false, true) {
		return
	}
	v.ckptSize, v.ckptCommits = fi.Size(), 0
	v.ckpts.Add(1)
	v.bg.Add(1)
	go func() {
		defer v.bg.Done()
		defer v.ckpt.Store(false)
		v.db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
		if v.betweenPasses != nil {
			v.betweenPasses()
		}
		v.wmu.Lock()
		defer v.wmu.Unlock()
		v.db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
	}()
}

// View runs fn in one read transaction (a consistent snapshot).
func (v *Vault) View(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := v.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin vault read: %w", err)
	}
	defer sqlTx.Rollback()
	return fn(&Tx{v: v, tx: sqlTx, ctx: ctx})
}

// IsDiskFull reports whether err comes from SQLite running out of space.
func IsDiskFull(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.Code == sqlite3.ErrFull
}

func (v *Vault) ensureProfileID(ctx context.Context) error {
	return v.Update(ctx, func(tx *Tx) error {
		id, err := tx.meta("profile_id")
		if err != nil {
			return err
		}
		if id != "" {
			return nil
		}
		newID, err := NewID()
		if err != nil {
			return err
		}
		return tx.setMeta("profile_id", newID)
	})
}

// ProfileID returns the random id of this profile (names its keyring entry).
func (v *Vault) ProfileID(ctx context.Context) (string, error) {
	var id string
	err := v.View(ctx, func(tx *Tx) error {
		var err error
		id, err = tx.meta("profile_id")
		return err
	})
	return id, err
}

// initFile makes the empty file at path a WAL database of pageSize pages:
// the page size is fixed by the first write, which the WAL switch is.
func initFile(ctx context.Context, path string) error {
	db, err := sql.Open(driverName, "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		return fmt.Errorf("create vault: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, fmt.Sprintf("PRAGMA page_size = %d; PRAGMA journal_mode = WAL", pageSize)); err != nil {
		return fmt.Errorf("create vault: %w", err)
	}
	return nil
}

// connPageSize returns the page size of the database c is open on.
func connPageSize(c *sqlite3.SQLiteConn) (int, error) {
	rows, err := c.Query("PRAGMA page_size", nil)
	if err != nil {
		return 0, fmt.Errorf("read vault page size: %w", err)
	}
	defer rows.Close()
	v := make([]driver.Value, 1)
	if err := rows.Next(v); err != nil {
		return 0, fmt.Errorf("read vault page size: %w", err)
	}
	size, ok := v[0].(int64)
	if !ok || size < 512 {
		return 0, fmt.Errorf("read vault page size: %v", v[0])
	}
	return int(size), nil
}

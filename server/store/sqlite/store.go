package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/store/basewait"
	"cipherleaf.dev/server/store/groupcommit"
)

// Store is the SQLite-backed state of one server.
type Store struct {
	path       string
	durability Durability
	w          *sql.DB // the single writer connection
	r          *sql.DB // read-only pool
	now        func() time.Time
	histRevs   int // past revisions kept per note
	histDays   int // age limit of past revisions

	stmts    stmts
	sessions *sessionCache
	ckpt     *checkpointer // background checkpoints (checkpoint.go)

	waits     *basewait.Board    // atomic batches that overtook the one before
	writes    *groupcommit.Queue // single-note writes (nil until Open ends)
	closeOnce sync.Once
	closeErr  error
}

// Options tune a Store; the zero value is valid.
type Options struct {
	Now        func() time.Time // defaults to time.Now
	ReadConn   int              // read pool size, defaults to 4
	Durability Durability       // defaults to DurablePowerLoss
	// HistoryRevisions is how many past revisions are kept per note (0 =
	// none) and HistoryDays their age limit (0 = none), SPEC §7.8.
	HistoryRevisions, HistoryDays int
	// BaseWait holds the atomic batches that overtook the batch before
	// them (SPEC §7.3); nil: basewait.New(0).
	BaseWait *basewait.Board
}

// Durability is what a write survives once the store has acknowledged it.
type Durability int

const (
	// DurablePowerLoss: every commit fsyncs the WAL before it returns
	// (synchronous=FULL), so an acknowledged write survives a power loss
	// or a kernel crash. The default.
	DurablePowerLoss Durability = iota
	// DurableProcessCrash: a commit is handed to the OS before it returns
	// but fsynced only at checkpoints (synchronous=NORMAL). An acknowledged
	// write survives the process being killed, not a power loss; the
	// database is never corrupted either way.
	DurableProcessCrash
)

// ParseDurability reads the --durability flag: "power" or "process".
func ParseDurability(s string) (Durability, error) {
	switch s {
	case "power":
		return DurablePowerLoss, nil
	case "process":
		return DurableProcessCrash, nil
	}
	return 0, fmt.Errorf("parse durability %q: want power or process", s)
}

// String is the flag spelling of d.
func (d Durability) String() string {
	if d == DurableProcessCrash {
		return "process"
	}
	return "power"
}

// dsn builds the connection string for path.
//
// Pragmas and why:
//   - journal_mode=WAL: readers never block the writer and vice versa, and a
//     commit is one append to the -wal file.
//   - synchronous=FULL (DurablePowerLoss): in WAL mode every COMMIT
//     fsyncs the WAL before it returns, so a committed write survives a
//     power loss. Group commit (store/groupcommit) shares that fsync among
//     all the writes queued meanwhile, which is why it costs no measurable
//     throughput at 64 clients (SPEC §7.3, "Durability").
//   - synchronous=NORMAL (DurableProcessCrash, opt-out): the commit reaches
//     the WAL in the OS page cache before COMMIT returns and fsync happens
//     only at checkpoints. kill -9 loses nothing committed; a power loss
//     or kernel crash can lose the last transactions, never corrupting the
//     database.
//   - foreign_keys=on: deleting a user cascades to notes and sessions.
//   - busy_timeout=5000: another process (cipherleafd user/backup) holding
//     the write lock makes us wait rather than fail.
func dsn(path string, readOnly bool, d Durability) string {
	v := url.Values{}
	v.Set("_journal_mode", "WAL")
	if d == DurableProcessCrash {
		v.Set("_synchronous", "NORMAL")
	} else {
		v.Set("_synchronous", "FULL")
	}
	v.Set("_foreign_keys", "on")
	v.Set("_busy_timeout", "5000")
	if readOnly {
		v.Set("_query_only", "true")
	} else {
		v.Set("_txlock", "immediate")
	}
	return "file:" + url.PathEscape(path) + "?" + v.Encode()
}

// Open opens (creating if needed) the database at path and migrates it.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.ReadConn <= 0 {
		opt.ReadConn = 4
	}
	if opt.BaseWait == nil {
		opt.BaseWait = basewait.New(0)
	}
	// Create the file ourselves so it (and the -wal and -shm files SQLite
	// derives from it) is readable by the owner only.
	if f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600); err != nil {
		return nil, fmt.Errorf("create database: %w", err)
	} else {
		f.Close()
	}
	created, err := isEmptyFile(path)
	if err != nil {
		return nil, fmt.Errorf("create database: %w", err)
	}
	pages, err := prepareFile(ctx, path, created)
	if err != nil {
		return nil, err
	}
	w := openDB(dsn(path, false, opt.Durability), writerPragmas(pages)...)
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err = migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	r, err := sql.Open("sqlite3", dsn(path, true, opt.Durability))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database for reading: %w", err)
	}
	r.SetMaxOpenConns(opt.ReadConn)
	r.SetMaxIdleConns(opt.ReadConn)
	r.SetConnMaxLifetime(0)
	r.SetConnMaxIdleTime(0)
	c := openDB(dsn(path, false, opt.Durability))
	c.SetMaxOpenConns(1)
	c.SetMaxIdleConns(1)
	c.SetConnMaxLifetime(0)
	c.SetConnMaxIdleTime(0)
	s := &Store{path: path, durability: opt.Durability, w: w, r: r, now: opt.Now, histRevs: opt.HistoryRevisions, histDays: opt.HistoryDays, sessions: newSessionCache(path+"-auth-epoch", opt.Now), ckpt: startCheckpointer(c, pages), waits: opt.BaseWait}
	if err := s.stmts.prepare(ctx, w, r); err != nil {
		s.Close()
		return nil, fmt.Errorf("prepare statements: %w", err)
	}
	if _, err := os.Stat(s.sessions.epochPath); err != nil {
		if err := s.sessions.bumpEpoch(); err != nil {
			s.Close()
			return nil, fmt.Errorf("create auth epoch file: %w", err)
		}
	}
	s.writes = groupcommit.Start(s.commitGroup)
	return s, nil
}

// Close stops the write queue and closes the database; a final
// checkpoint folds the WAL back into the main file. Closing twice is safe.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if s.writes != nil {
			s.writes.Stop()
		}
		s.stmts.close()
		errC := s.ckpt.close()
		errR := s.r.Close()
		_, _ = s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		if err := s.w.Close(); err != nil {
			s.closeErr = fmt.Errorf("close database: %w", err)
		} else if err := errors.Join(errR, errC); err != nil {
			s.closeErr = fmt.Errorf("close database: %w", err)
		}
	})
	return s.closeErr
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.r.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

var _ server.Store = (*Store)(nil)

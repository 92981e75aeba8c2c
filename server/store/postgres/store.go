package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/store/basewait"
	"cipherleaf.dev/server/store/groupcommit"
)

// Store is the PostgreSQL-backed state shared by the replicas of a server.
type Store struct {
	db                 *pgxpool.Pool
	now                func() time.Time
	histRevs, histDays int
	writes             *groupcommit.Queue // single-note writes
	waits              *basewait.Board    // atomic batches that overtook the one before
	closeOnce          sync.Once
}

var _ server.Store = (*Store)(nil)

// Options tune a Store; the zero value is valid.
type Options struct {
	Now      func() time.Time // defaults to time.Now
	MaxConns int32            // connection pool size; pgxpool's default (max(4, cores)) if 0
	// HistoryRevisions and HistoryDays as in SPEC §7.8.
	HistoryRevisions, HistoryDays int
	// BaseWait holds the atomic batches that overtook the batch before
	// them (SPEC §7.3); nil: basewait.New(0).
	BaseWait *basewait.Board
}

// Open connects to the database named by dsn (a postgres:// URL or a
// key=value string) and migrates it.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.BaseWait == nil {
		opt.BaseWait = basewait.New(0)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse database address: %w", err)
	}
	if opt.MaxConns > 0 {
		cfg.MaxConns = opt.MaxConns
	}
	db, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	s := &Store{db: db, now: opt.Now, histRevs: opt.HistoryRevisions, histDays: opt.HistoryDays, waits: opt.BaseWait}
	s.writes = groupcommit.Start(s.commitGroup)
	return s, nil
}

// Close closes the connection pool; closing twice is safe.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.writes.Stop()
		s.db.Close()
	})
	return nil
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.Ping(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Pool is the connection pool, for tools that copy or inspect the
// database (cipherleafd migrate-db, tests).
func (s *Store) Pool() *pgxpool.Pool { return s.db }

// inTx runs fn in a READ COMMITTED transaction and commits it if fn
// returns nil. Rules that read before they write lock what they read
// (lockUser), so READ COMMITTED is enough (SPEC §7.9).
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.db, fn)
}

// lockUser takes user id's row lock for the rest of the transaction and
// returns its sequence counter and stored bytes; ErrNotFound if there is
// no such user. Every write of an account's notes, manifest, attachments
// or byte count takes it first, on every replica.
func lockUser(ctx context.Context, tx pgx.Tx, id int64) (seq uint64, used int64, err error) {
	err = tx.QueryRow(ctx, `SELECT seq, used_bytes FROM users WHERE id = $1 FOR NO KEY UPDATE`, id).Scan(&seq, &used)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, 0, server.ErrNotFound
	}
	if err != nil {
		return 0, 0, fmt.Errorf("lock account: %w", err)
	}
	return seq, used, nil
}

func noRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

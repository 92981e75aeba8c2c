package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"cipherleaf.dev/client/keystore"
	"cipherleaf.dev/client/search"
	"cipherleaf.dev/client/syncer"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/cryptobox"
)

type accountRow = vault.Account

// Config configures a Core. Zero values get the production defaults.
type Config struct {
	ProfileDir string           // holds vault.db
	Policy     cryptobox.Policy // KDF floor and ceiling; zero: cryptobox.DefaultPolicy
	// NewParams returns KDF parameters for a new account or password;
	// nil: cryptobox.NewParams.
	NewParams  func() (cryptobox.Params, error)
	Keyring    keystore.Keyring // nil: the OS keyring
	DeviceName string           // shown in the session list
	Now        func() time.Time // nil: time.Now
	Logger     *slog.Logger     // nil: discard; never given secrets or plaintext
	APITimeout time.Duration    // per request; 0: the API client's default
	APIRetries int              // 0: the API client's default
	// Dial builds the API client; nil: apiclient.New.
	Dial func(RemoteConfig) (Remote, error)
	// Probe fetches a server's certificate fingerprint; nil: apiclient.Probe.
	Probe func(ctx context.Context, url string) (fingerprint string, publicTrusted bool, err error)
	// Debounce is the delay between an edit and the auto-sync it triggers;
	// 0: one second.
	Debounce time.Duration
	// AfterFunc schedules the auto-sync loop's timers; nil: time.AfterFunc.
	// Tests pass a fake to run the loop without waiting.
	AfterFunc func(d time.Duration, f func()) Timer
	// WatchEvery is how often an unlocked Core looks for commits another
	// process made to the vault (watch.go); 0: one second, negative: never.
	WatchEvery time.Duration
}

// Timer is a timer made by Config.AfterFunc; *time.Timer is one.
type Timer interface{ Stop() bool }

// Core is the client engine of one profile. Safe for concurrent use.
type Core struct {
	cfg Config
	log *slog.Logger
	v   *vault.Vault

	// keyMu counts the users of the keys; dropping them never waits (see
	// keyGuard and the package doc's lock design).
	keyMu   keyGuard
	cancels map[int]context.CancelFunc // running syncs, guarded by mu
	nextCan int

	resetMu sync.Mutex // one Logout, DeleteAccount or Close at a time
	tokens  tokenSaver

	mu      sync.RWMutex
	acct    *accountRow // nil without an account
	bundle  cryptobox.Bundle
	derived *cryptobox.DerivedKeys // kept while unlocked with the password
	notes   map[string]*entry
	index   *search.Index // over the decrypted notes; memory only
	remote  Remote
	engine  *syncer.Engine
	status  SyncStatus

	watch *vaultWatch // the running vault watcher (watch.go), guarded by mu
	// watchOpened counts the rows the watcher read whole and opened
	// (tests: its own writes must not be among them).
	watchOpened atomic.Int64
	stopped     []*vaultWatch // watchers stopped and not yet waited for, guarded by mu

	// stagedAdopted counts the pulls whose index was built apart and
	// adopted (stagePull), for tests.
	stagedAdopted atomic.Int64

	typing typing      // open typing sessions (typing.go)
	att    attachState // the profile's attachments, opened on first use
	events *dispatcher
	kick   chan struct{} // edits poke the auto-sync loop
	done   chan struct{} // closed by Close
	once   sync.Once
}

// Open opens (creating if needed) the profile in cfg.ProfileDir.
func Open(cfg Config) (*Core, error) {
	if cfg.Policy == (cryptobox.Policy{}) {
		cfg.Policy = cryptobox.DefaultPolicy
	}
	if cfg.NewParams == nil {
		cfg.NewParams = cryptobox.NewParams
	}
	if cfg.Keyring == nil {
		cfg.Keyring = keystore.OS{}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Dial == nil {
		cfg.Dial = dialAPI
	}
	if cfg.Probe == nil {
		cfg.Probe = probeAPI
	}
	if cfg.AfterFunc == nil {
		cfg.AfterFunc = func(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
	}
	if cfg.Debounce == 0 {
		cfg.Debounce = time.Second
	}
	if cfg.WatchEvery == 0 {
		cfg.WatchEvery = defaultWatchEvery
	}
	if cfg.DeviceName == "" {
		cfg.DeviceName = DefaultDeviceName()
	}
	if err := os.MkdirAll(cfg.ProfileDir, 0o700); err != nil {
		return nil, fmt.Errorf("create profile folder: %w", err)
	}
	ctx := context.Background()
	v, err := vault.Open(ctx, filepath.Join(cfg.ProfileDir, vault.FileName))
	if err != nil {
		return nil, err
	}
	v.KeepTokensIn(keyringTokens{cfg.Keyring}) // SPEC §8
	c := &Core{
		cfg:     cfg,
		log:     cfg.Logger,
		v:       v,
		notes:   map[string]*entry{},
		cancels: map[int]context.CancelFunc{},
		index:   search.New(),
		events:  newDispatcher(),
		kick:    make(chan struct{}, 1),
		done:    make(chan struct{}),
	}
	c.tokens.v, c.tokens.log = v, c.log
	a, err := v.Account(ctx)
	switch {
	case err == nil:
		c.acct = &a
	case errors.Is(err, vault.ErrNoAccount):
	default:
		v.Close()
		return nil, fmt.Errorf("open profile: %w", err)
	}
	if n, err := v.PendingCount(ctx); err == nil {
		c.status.Pending = n
	}
	return c, nil
}

// closeGrace bounds how long Close waits for running syncs to stop and for
// a token refresh in flight to answer, so that a front end exits promptly
// even when the server never answers.
const closeGrace = time.Second

// Close locks the vault and closes it. Queued edits stay in the vault.
// Running syncs are cancelled; every write they committed stays.
func (c *Core) Close() error {
	var err error
	c.once.Do(func() {
		close(c.done)
		c.Lock()
		c.waitWatch() // Lock stopped it; it holds no lock a sync could keep
		ctx, cancel := context.WithTimeout(context.Background(), closeGrace)
		defer cancel()
		c.resetMu.Lock()
		defer c.resetMu.Unlock()
		if err := c.keyMu.waitIdle(ctx); err != nil {
			c.log.Warn("closing with a sync still stopping", "err", err)
		}
		c.mu.RLock()
		r := c.remote
		c.mu.RUnlock()
		if w, ok := r.(interface{ WaitRefresh(context.Context) }); ok {
			w.WaitRefresh(ctx) // a refreshed pair not saved would be spent
		}
		c.tokens.flush()
		c.events.close()
		err = c.v.Close()
	})
	return err
}

// HasAccount reports whether this profile holds an account.
func (c *Core) HasAccount() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.acct != nil
}

// Account describes the profile's account (zero without one).
func (c *Core) Account() AccountInfo {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.acct == nil {
		return AccountInfo{}
	}
	return AccountInfo{ServerURL: c.acct.ServerURL, Fingerprint: c.acct.Pin, Username: c.acct.Username, UserID: c.acct.UserID}
}

// Locked reports whether the notes are closed (no key in memory).
func (c *Core) Locked() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.bundle == nil
}

// codec returns the sealer/opener bound to the live bundle.
func (c *Core) codec(userID string) syncer.Codec {
	return syncer.Codec{UserID: userID, Bundle: func() cryptobox.Bundle {
		c.mu.RLock()
		defer c.mu.RUnlock()
		return c.bundle
	}}
}

// VaultPath returns the vault file (for tests and diagnostics).
func (c *Core) VaultPath() string { return c.v.Path() }

// Checkpoint folds the vault's write-ahead log into its file.
func (c *Core) Checkpoint() error { return c.v.Checkpoint(context.Background()) }

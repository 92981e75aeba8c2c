package syncer

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"cipherleaf.dev/client/search"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// Update tells the owner of the in-memory notes what a committed
// transaction changed. Note is nil when the note is gone (deleted, or
// hidden because it needs a newer Cipherleaf).
type Update struct {
	ID      string
	Note    *note.Note
	Pending bool
	Keep    bool // content unchanged: only Pending changed
	// Prepared is Config.Prepare of Note, made when the note was
	// decrypted; nil when there is none (no Prepare, or a note made here
	// by a merge or a conflicted copy).
	Prepared *search.Prepared
}

// Config wires an Engine.
type Config struct {
	Vault  *vault.Vault
	Remote Remote
	Codec  Codec
	// Rotated is called when a note uses a generation the bundle lacks and
	// the server's successor (opened with a key this device holds) provides
	// it: the owner stores keys.WrappedKey, swaps in b, and returns.
	Rotated  func(ctx context.Context, keys *protocol.KeysResponse, b cryptobox.Bundle) error
	Merge    MergeFunc      // nil: MergeFields
	OnUpdate func([]Update) // runs after commit, in commit order
	// Prepare, if set, folds a decrypted note for the search index as soon
	// as it is decrypted, off the transaction; its result travels in
	// Update.Prepared and is dropped if the pull is not verified. Notes
	// pulled into an empty vault are not prepared when there is a Stage.
	Prepare func(id string, n *note.Note) search.Prepared
	// Stage, if set, is given, just before a verified pull into an empty
	// vault opens its transaction, the updates such a pull makes: one per
	// change, in feed order, with the note (nil: a tombstone or a note
	// needing a newer Cipherleaf) and no Prepared. It may start work on
	// them on another goroutine (the search index of a first pull, built
	// while the transaction writes) but nothing visible, and returns end,
	// which the pull calls once: end(ups, true) after the commit with the
	// updates it made, in place of OnUpdate, or end(nil, false) when
	// nothing was committed.
	Stage     func(ups []Update) (end func(ups []Update, committed bool))
	Progress  func(done, total int)  // optional
	Now       func() time.Time       // for conflicted copies
	Logger    *slog.Logger           // ids and counts only
	PageLimit int                    // 0: protocol.DefaultPageLimit
	BatchSize int                    // 0: protocol.MaxBatchOps
	NewID     func() (string, error) // nil: vault.NewID
	MaxRounds int                    // push/pull rounds per Sync; 0: 8
	// Hold, if set, keeps a queued note out of this push: its typing
	// session is still open (SPEC §12.4). It is asked after the pull, so a
	// pull that ends a session lets the note go out in the same Sync.
	Hold func(id string) bool
}

// Report summarizes one Sync.
type Report struct {
	Pushed, Pulled, Merged, Conflicts int
	// Resynced: the server had compacted tombstones past the cursor, so
	// the pull started again from 0 (SPEC §10.7). Removed counts notes this
	// device held that were deleted elsewhere meanwhile; Rescued counts
	// pending edits of such notes kept as new notes.
	Resynced         bool
	Removed, Rescued int
}

// Engine runs syncs. One Sync at a time; Sync serializes itself.
type Engine struct {
	cfg Config
	run chan struct{} // a one-slot semaphore: at most one Sync runs

	// Owned by the running Sync.
	view      *view                          // nil: read it from the vault
	digesters map[uint32]*cryptobox.Digester // made during this Sync
	adopted   bool                           // this pull already fetched the keys
	held      int                            // queued notes the last push held back
}

// New returns an engine.
func New(cfg Config) *Engine {
	if cfg.Merge == nil {
		cfg.Merge = MergeFields
	}
	if cfg.PageLimit == 0 {
		cfg.PageLimit = protocol.DefaultPageLimit
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = protocol.MaxBatchOps
	}
	if cfg.NewID == nil {
		cfg.NewID = vault.NewID
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxRounds == 0 {
		cfg.MaxRounds = 8
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.OnUpdate == nil {
		cfg.OnUpdate = func([]Update) {}
	}
	if cfg.Progress == nil {
		cfg.Progress = func(int, int) {}
	}
	return &Engine{cfg: cfg, run: make(chan struct{}, 1), digesters: map[uint32]*cryptobox.Digester{}}
}

// Sync pulls every change since the cursor and verifies it against the
// manifest, then pushes the pending queue as atomic batches carrying the next
// manifest (SPEC §10.5, §10.6), and repeats while a push was refused or left
// work (up to MaxRounds). Every step commits on its own, so an interrupted
// Sync resumes where it stopped. A detection (*manifest.Detection) stops it
// with nothing of that pull applied.
func (e *Engine) Sync(ctx context.Context) (rep Report, err error) {
	select {
	case e.run <- struct{}{}:
	case <-ctx.Done():
		return Report{}, ctx.Err()
	}
	defer func() { <-e.run }()
	defer func() {
		if err != nil {
			e.view = nil // the vault is the truth; reload it next time
		}
		e.wipeDigesters()
	}()
	for round := 0; round < e.cfg.MaxRounds; round++ {
		if err := e.pull(ctx, &rep); err != nil {
			return rep, err
		}
		if err := e.push(ctx, &rep); err != nil {
			return rep, err
		}
		n, err := e.cfg.Vault.PendingCount(ctx)
		if err != nil {
			return rep, err
		}
		if n <= e.held { // nothing left but notes held back (Config.Hold)
			break
		}
	}
	e.cfg.Logger.Debug("sync done", "pushed", rep.Pushed, "pulled", rep.Pulled, "merged", rep.Merged, "conflicts", rep.Conflicts)
	return rep, nil
}

// adoptSuccessor fetches GET /account/keys and walks the rotation
// successors forward from the bundle this device holds, however many
// rotations it missed (SPEC §3).
func (e *Engine) adoptSuccessor(ctx context.Context) error {
	keys, err := e.cfg.Remote.Keys(ctx)
	if err != nil {
		return fmt.Errorf("fetch account keys: %w", err)
	}
	succ := keys.Successors
	if len(succ) == 0 && len(keys.Successor) > 0 {
		succ = [][]byte{keys.Successor} // a server that keeps only the newest
	}
	cur := e.cfg.Codec.Bundle()
	if cur == nil {
		return ErrLocked
	}
	b := cur.Follow(succ)
	if b.Current().Gen <= cur.Current().Gen || e.cfg.Rotated == nil {
		return ErrUnknownKey
	}
	if err := e.cfg.Rotated(ctx, keys, b); err != nil {
		return fmt.Errorf("adopt rotated key: %w", err)
	}
	e.cfg.Logger.Info("adopted rotated account key", "gen", b.Current().Gen)
	return nil
}

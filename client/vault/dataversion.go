package vault

import (
	"context"
	"database/sql"
	"fmt"
)

// IfChanged notices commits that another process (or another Vault on
// the same file) made since the data version last, which an earlier call
// returned; a negative last always counts as changed. When there are such
// commits it runs fn in a read transaction while holding the write lock,
// so no Update of this Vault commits between what fn reads and what it
// does with it (fn may take locks that post-commit hooks take). It returns
// the data version to pass next time.
//
// The version is SQLite's PRAGMA data_version on the connection Update
// writes on: it moves with every other connection's commit and never with
// this connection's own. (A checkpoint that restarts the write-ahead log
// moves it too: fn must expect to find nothing new.) When an Update holds
// the write lock, IfChanged does nothing and returns last: the next call
// sees what it would have.
func (v *Vault) IfChanged(ctx context.Context, last int64, fn func(tx *Tx) error) (int64, error) {
	if !v.wmu.TryLock() {
		return last, nil
	}
	defer v.wmu.Unlock()
	var ver int64
	if err := v.w.QueryRowContext(ctx, "PRAGMA data_version").Scan(&ver); err != nil {
		return last, fmt.Errorf("read vault data version: %w", err)
	}
	if ver == last {
		return ver, nil
	}
	if err := v.View(ctx, fn); err != nil {
		return last, err
	}
	return ver, nil
}

// DataVersion returns the data version IfChanged compares with now. Read
// before the rows a caller keeps in memory, it makes a baseline: a commit
// of another process after it is found by the next IfChanged, and one
// before it is in those rows.
func (v *Vault) DataVersion(ctx context.Context) (int64, error) {
	v.wmu.Lock()
	defer v.wmu.Unlock()
	var ver int64
	if err := v.w.QueryRowContext(ctx, "PRAGMA data_version").Scan(&ver); err != nil {
		return 0, fmt.Errorf("read vault data version: %w", err)
	}
	return ver, nil
}

// StampSize is how many leading bytes of an envelope a Stamp carries: the
// version, the key generation and the random nonce (SPEC §5), which differ
// for every sealing.
const StampSize = 29

// Stamp tells one live note row from its other versions without its whole
// envelope: a new sealing has a new random nonce.
type Stamp struct {
	ID      string
	Rev     uint64
	Len     int    // the envelope's length
	Head    []byte // the envelope's first StampSize bytes (fewer if shorter); valid during the callback only
	Pending bool   // an edit is queued
}

// StampOf is the Stamp of a row read whole.
func StampOf(n Note) Stamp {
	return Stamp{ID: n.ID, Rev: n.Rev, Len: len(n.Envelope), Head: n.Envelope[:min(len(n.Envelope), StampSize)], Pending: n.Op != OpNone}
}

// Stamps calls fn with the Stamp of every live note row (what Notes lists),
// reading a few dozen bytes of each instead of the envelopes.
func (tx *Tx) Stamps(fn func(Stamp) error) error {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT n.id, n.rev, length(e.envelope), substr(e.envelope, 1, ?), p.op IS NOT NULL
		FROM `+liveFrom, StampSize)
	if err != nil {
		return fmt.Errorf("list note stamps: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s Stamp
		var head sql.RawBytes
		if err := rows.Scan(&s.ID, &s.Rev, &s.Len, &head, &s.Pending); err != nil {
			return fmt.Errorf("list note stamps: %w", err)
		}
		s.Head = head
		if err := fn(s); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list note stamps: %w", err)
	}
	return nil
}

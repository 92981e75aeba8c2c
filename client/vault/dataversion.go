package vault

import (
	"context"
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

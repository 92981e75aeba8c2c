package vault

import (
	"context"
	"fmt"
)

// Reset empties the vault in one transaction: the account, every note, the
// pending queue, the server view, the cursor and the manifest memory go,
// and the profile and device get new ids, as in a new vault. The file and
// its write-ahead log stay where they are, so no connection (of this
// process or another) is left holding a file that was deleted and
// recreated under it.
func (v *Vault) Reset(ctx context.Context) error {
	return v.Update(ctx, func(tx *Tx) error {
		for _, table := range []string{"pending", "server_notes", "envelopes", "notes", "account", "meta"} {
			if _, err := tx.tx.ExecContext(ctx, "DELETE FROM "+table); err != nil {
				return fmt.Errorf("reset vault: clear %s: %w", table, err)
			}
		}
		for _, key := range []string{"profile_id", "device_id"} {
			id, err := NewID()
			if err != nil {
				return err
			}
			if err := tx.setMeta(key, id); err != nil {
				return fmt.Errorf("reset vault: %w", err)
			}
		}
		return nil
	})
}

package core

import (
	"context"

	"cipherleaf.dev/client/vault"
)

// SetLegacyTrashDays writes a device-local retention the way versions
// before SPEC §12.5 did, for the migration tests.
func SetLegacyTrashDays(c *Core, days int) error {
	return c.v.Update(context.Background(), func(tx *vault.Tx) error { return tx.SetLegacyTrashDays(days) })
}

// HasLegacyTrashDays reports whether the device-local retention is still there.
func HasLegacyTrashDays(c *Core) (bool, error) {
	var ok bool
	err := c.v.View(context.Background(), func(tx *vault.Tx) (err error) {
		_, ok, err = tx.LegacyTrashDays()
		return err
	})
	return ok, err
}

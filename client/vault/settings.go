package vault

import (
	"fmt"
	"strconv"
)

// legacyTrashDays is the vault meta key of the trash retention earlier
// versions kept per device (SPEC §12.5, migration).
const legacyTrashDays = "trash_days"

// LegacyTrashDays returns the device-local trash retention an earlier
// version stored (SPEC §12.5, migration); ok is false when there is none.
// A value that is not a whole number is returned as 0 with ok true, so the
// caller drops it.
func (tx *Tx) LegacyTrashDays() (days int, ok bool, err error) {
	s, err := tx.meta(legacyTrashDays)
	if err != nil || s == "" {
		return 0, false, err
	}
	d, err := strconv.Atoi(s)
	if err != nil {
		return 0, true, nil
	}
	return d, true, nil
}

// SetLegacyTrashDays writes the device-local retention the way earlier
// versions did; only tests of the migration call it.
func (tx *Tx) SetLegacyTrashDays(days int) error {
	return tx.setMeta(legacyTrashDays, strconv.Itoa(days))
}

// DropLegacyTrashDays removes the device-local retention once migrated.
func (tx *Tx) DropLegacyTrashDays() error {
	if _, err := tx.exec("DELETE FROM meta WHERE key = ?", legacyTrashDays); err != nil {
		return fmt.Errorf("drop %s: %w", legacyTrashDays, err)
	}
	return nil
}

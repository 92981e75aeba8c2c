package vault

import (
	"fmt"
	"strconv"
)

// Trash retention limits of SPEC §12.3.
const (
	DefaultTrashDays = 30
	MaxTrashDays     = 3650
)

// TrashDays returns this device's trash retention in days (SPEC §12.3,
// meta trash_days; DefaultTrashDays when unset).
func (tx *Tx) TrashDays() (int, error) {
	s, err := tx.meta("trash_days")
	if err != nil || s == "" {
		return DefaultTrashDays, err
	}
	d, err := strconv.Atoi(s)
	if err != nil || d < 1 || d > MaxTrashDays {
		return DefaultTrashDays, fmt.Errorf("read trash_days: %q is not 1-%d", s, MaxTrashDays)
	}
	return d, nil
}

// SetTrashDays stores this device's trash retention in days.
func (tx *Tx) SetTrashDays(days int) error {
	if days < 1 || days > MaxTrashDays {
		return fmt.Errorf("set trash days: %d is not 1-%d", days, MaxTrashDays)
	}
	return tx.setMeta("trash_days", strconv.Itoa(days))
}

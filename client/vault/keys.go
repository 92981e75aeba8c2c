package vault

import (
	"fmt"
	"strconv"
)

// KeyFloor returns the highest current key generation this device ever
// adopted (SPEC §3.1 L2, meta key_gen), 0 if none recorded. A bundle
// opened from any wrap with an older current generation is a stale wrap.
func (tx *Tx) KeyFloor() (uint32, error) { return tx.metaU32("key_gen") }

// SetKeyFloor records gen as the key floor; it never lowers it.
func (tx *Tx) SetKeyFloor(gen uint32) error {
	cur, err := tx.KeyFloor()
	if err != nil || gen <= cur {
		return err
	}
	return tx.setMeta("key_gen", strconv.FormatUint(uint64(gen), 10))
}

// RecoveryGen returns the current generation at which this device made the
// recovery wrap it holds (SPEC §3.1 L7, meta recovery_gen), 0 if unknown.
func (tx *Tx) RecoveryGen() (uint32, error) { return tx.metaU32("recovery_gen") }

// SetRecoveryGen records the generation of the recovery wrap just made.
func (tx *Tx) SetRecoveryGen(gen uint32) error {
	return tx.setMeta("recovery_gen", strconv.FormatUint(uint64(gen), 10))
}

func (tx *Tx) metaU32(key string) (uint32, error) {
	s, err := tx.meta(key)
	if err != nil || s == "" {
		return 0, err
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", key, err)
	}
	return uint32(n), nil
}

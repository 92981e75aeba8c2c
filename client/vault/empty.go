package vault

import "fmt"

// HasNotes reports whether the vault holds any note row (a tombstone
// counts): a first pull into an empty vault needs not look up the rows of
// the notes it brings.
func (tx *Tx) HasNotes() (bool, error) {
	var any bool
	if err := tx.tx.QueryRowContext(tx.ctx, "SELECT EXISTS (SELECT 1 FROM notes)").Scan(&any); err != nil {
		return false, fmt.Errorf("look for notes: %w", err)
	}
	return any, nil
}

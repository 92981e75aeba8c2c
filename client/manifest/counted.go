package manifest

import (
	"crypto/sha256"
	"fmt"

	"cipherleaf.dev/shared/cryptobox"
)

// Counter computes, for a change, what Apply computes before it looks at
// the state: the SHA-256 of the blob and the note's entry in the digest.
// That is most of Apply's cost, and it depends on the change and the
// digest key alone, so a pull does it for many changes at once, on
// several goroutines, and applies the results in order with ApplyCounted.
// A Counter is safe for concurrent use.
type Counter struct {
	d *cryptobox.Digester
}

// Counter returns a counter with the state's current digester. A Counted
// made by it is applied by ApplyCounted as Apply would apply the change
// itself, as long as the state keeps that digester (a Clone does).
func (s *State) Counter() Counter { return Counter{d: s.d} }

// Counted is a change hashed and entered by a Counter, ready for
// ApplyCounted.
type Counted struct {
	d         *cryptobox.Digester // nil: no entry (no digest key, or not made by a Counter)
	malformed bool
	hash      [32]byte
	entry     cryptobox.Entry
	err       error // of the entry, reported only if Apply would need it
}

// Count hashes and enters the change (id, rev, deleted, blob).
func (c Counter) Count(id string, rev uint64, deleted bool, blob []byte) Counted {
	if rev == 0 || deleted != (len(blob) == 0) {
		return Counted{malformed: true}
	}
	out := Counted{d: c.d, hash: sha256.Sum256(blob)}
	if c.d != nil {
		out.entry, out.err = c.d.EntryOfHash(id, rev, deleted, out.hash)
	}
	return out
}

// ApplyCounted is Apply(id, rev, deleted, blob) for the Counted that Count
// made of that change: the same result and the same errors. A Counted
// made with another digester than the state's is entered again.
func (s *State) ApplyCounted(id string, rev uint64, deleted bool, c Counted) error {
	if c.malformed {
		return fmt.Errorf("apply note %s: malformed change", id)
	}
	if c.d == nil || c.d != s.d {
		return s.ApplyHash(id, rev, deleted, c.hash)
	}
	return s.applyEntry(id, rev, deleted, c.hash, func() (cryptobox.Entry, error) { return c.entry, c.err })
}

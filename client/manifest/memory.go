package manifest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"cipherleaf.dev/shared/cryptobox"
)

// ErrBadMemory is returned by UnmarshalBinary for a malformed Memory blob.
var ErrBadMemory = errors.New("malformed manifest memory")

// maxPending bounds Memory.Pending: writes whose answer was lost.
const maxPending = 64

// maxHeads bounds Memory.Heads when decoding (one per device that ever
// wrote; far above any real account).
const maxHeads = 1 << 16

// Memory is what a device remembers of the manifest between syncs (SPEC
// §10.6). The zero Memory is a device that has never seen a manifest.
type Memory struct {
	HighestVersion uint64           // highest manifest version seen, 0 if none
	HighestHash    [32]byte         // SHA-256 of that version's blob
	LastWrite      *Head            // this device's last manifest write known to be applied
	Pending        []Head           // writes sent whose outcome is unknown (lost answer)
	Digest         cryptobox.Digest // the server's digest at HighestVersion
	Count          uint64           // the server's note count at HighestVersion
	// HighestGen is the key generation HighestVersion was sealed under: no
	// later manifest may be sealed under an older one (SPEC §3.1 L3).
	// 0: not recorded (a memory from before it).
	HighestGen uint32
	// Heads are the heads of HighestVersion, every device's last write:
	// none may go back in a later manifest (fork-join, SPEC §10.6). nil:
	// not recorded.
	Heads map[string]Head
}

// WithPending returns m plus h as a write about to be sent: the syncer
// persists it before the request, so a lost answer cannot make the device's
// own write look like a fork on the next pull.
func (m Memory) WithPending(h Head) Memory {
	m.Pending = append(slices.Clone(m.Pending), h)
	if len(m.Pending) > maxPending {
		m.Pending = m.Pending[len(m.Pending)-maxPending:]
	}
	return m
}

// WithoutPending returns m minus h: the server answered that the write was
// not applied.
func (m Memory) WithoutPending(h Head) Memory {
	m.Pending = slices.DeleteFunc(slices.Clone(m.Pending), func(p Head) bool { return p == h })
	if len(m.Pending) == 0 {
		m.Pending = nil
	}
	return m
}

type wireMemory struct {
	HighestVersion uint64          `json:"highest_version"`
	HighestHash    string          `json:"highest_hash"`
	LastWrite      *Head           `json:"last_write,omitempty"`
	Pending        []Head          `json:"pending,omitempty"`
	Digest         string          `json:"digest"`
	Count          uint64          `json:"count"`
	HighestGen     uint32          `json:"highest_gen,omitempty"`
	Heads          map[string]Head `json:"heads,omitempty"`
}

// MarshalBinary encodes m as JSON, for the vault to store as one blob.
func (m Memory) MarshalBinary() ([]byte, error) {
	return json.Marshal(wireMemory{
		HighestVersion: m.HighestVersion, HighestHash: hex.EncodeToString(m.HighestHash[:]),
		LastWrite: m.LastWrite, Pending: m.Pending,
		Digest: hex.EncodeToString(m.Digest[:]), Count: m.Count,
		HighestGen: m.HighestGen, Heads: m.Heads,
	})
}

// UnmarshalBinary decodes what MarshalBinary wrote, strictly.
func (m *Memory) UnmarshalBinary(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var w wireMemory
	if err := dec.Decode(&w); err != nil {
		return fmt.Errorf("%w: %v", ErrBadMemory, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: trailing data", ErrBadMemory)
	}
	if !isHash(w.HighestHash) || !isHash(w.Digest) || len(w.Pending) > maxPending {
		return fmt.Errorf("%w: field", ErrBadMemory)
	}
	heads := slices.Clone(w.Pending)
	if w.LastWrite != nil {
		heads = append(heads, *w.LastWrite)
	}
	if len(w.Heads) > maxHeads {
		return fmt.Errorf("%w: %d heads", ErrBadMemory, len(w.Heads))
	}
	for _, h := range w.Heads {
		heads = append(heads, h)
	}
	for _, h := range heads {
		if h.Version == 0 || (h.Version == 1) != (h.Prev == "") || (h.Prev != "" && !isHash(h.Prev)) {
			return fmt.Errorf("%w: head", ErrBadMemory)
		}
	}
	out := Memory{HighestVersion: w.HighestVersion, LastWrite: w.LastWrite, Pending: w.Pending, Count: w.Count,
		HighestGen: w.HighestGen, Heads: w.Heads}
	hex.Decode(out.HighestHash[:], []byte(w.HighestHash))
	hex.Decode(out.Digest[:], []byte(w.Digest))
	if len(out.Pending) == 0 {
		out.Pending = nil
	}
	*m = out
	return nil
}

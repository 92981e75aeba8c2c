package manifest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"

	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

// Next builds the manifest that follows current (nil or version 0: none yet)
// for an atomic batch (SPEC §10.5): version = current + 1, prev = SHA-256 of
// the current blob, this device's head set to this write and the other heads
// of cur (current's verified payload) copied. newDigest and newCount are the
// state once every op is applied (State.Preview). newMem is what the device
// remembers once the server answers that the batch was applied; before
// sending, persist mem.WithPending(*newMem.LastWrite).
func Next(b cryptobox.Bundle, userID, deviceID string, current *protocol.Manifest, cur Payload, newDigest cryptobox.Digest, newCount uint64) (blob []byte, version uint64, newMem Memory, err error) {
	w, err := NextWrite(b, userID, deviceID, current, cur, newDigest, newCount)
	return w.Manifest.Blob, w.Manifest.Version, w.Mem, err
}

// Write is one manifest write (SPEC §10.5): the manifest to send (Version is
// the new version, base + 1), its payload, and what the device remembers
// once the server answers that it was applied.
type Write struct {
	Manifest protocol.Manifest
	Payload  Payload
	Mem      Memory
}

// Head returns the head this write records for its device.
func (w Write) Head() Head { return *w.Mem.LastWrite }

// NextWrite is Next returning the whole Write.
func NextWrite(b cryptobox.Bundle, userID, deviceID string, current *protocol.Manifest, cur Payload, newDigest cryptobox.Digest, newCount uint64) (Write, error) {
	p := Payload{V: PayloadVersion, Count: newCount, Digest: newDigest, Writer: deviceID, Heads: map[string]Head{}}
	if current != nil && current.Version > 0 {
		if cur.Version != current.Version {
			return Write{}, fmt.Errorf("next manifest: payload of version %d for manifest %d", cur.Version, current.Version)
		}
		sum := sha256.Sum256(current.Blob)
		p.Version, p.Prev = current.Version+1, hex.EncodeToString(sum[:])
		p.Heads = maps.Clone(cur.Heads)
	} else {
		p.Version = 1
	}
	head := Head{Version: p.Version, Prev: p.Prev}
	p.Heads[deviceID] = head
	raw, err := p.Marshal()
	if err != nil {
		return Write{}, fmt.Errorf("next manifest: %w", err)
	}
	blob, err := cryptobox.SealManifest(b, userID, p.Version, raw)
	if err != nil {
		return Write{}, fmt.Errorf("next manifest: %w", err)
	}
	newMem := Memory{
		HighestVersion: p.Version, HighestHash: sha256.Sum256(blob),
		LastWrite: &head, Digest: newDigest, Count: newCount,
		HighestGen: b.Current().Gen, Heads: maps.Clone(p.Heads),
	}
	return Write{Manifest: protocol.Manifest{Version: p.Version, Blob: blob}, Payload: p, Mem: newMem}, nil
}

// Remember returns the memory after m (with payload p) passed Verify: the
// highest version and its hash, the digest and count, and the device's own
// write found among the pending ones. Pending writes at or below m's version
// that m does not hold were not applied and are forgotten.
func Remember(mem Memory, deviceID string, m protocol.Manifest, p Payload) Memory {
	if m.Version == 0 {
		return mem
	}
	out := Memory{
		HighestVersion: m.Version, HighestHash: sha256.Sum256(m.Blob),
		LastWrite: mem.LastWrite, Digest: p.Digest, Count: p.Count,
		HighestGen: mem.HighestGen, Heads: maps.Clone(p.Heads),
	}
	if gen, err := BlobGeneration(m.Blob); err == nil {
		out.HighestGen = gen
	}
	if h, ok := p.Heads[deviceID]; ok && (mem.LastWrite == nil || h != *mem.LastWrite) {
		out.LastWrite = &h
	}
	for _, q := range mem.Pending {
		if q.Version > m.Version {
			out.Pending = append(out.Pending, q)
		}
	}
	out.Pending = slices.Clip(out.Pending)
	return out
}

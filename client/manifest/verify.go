package manifest

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"

	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

// Verify runs the checks of SPEC §10.6, in order, on the manifest m that
// came with the last page of a completed pull, against the device's memory
// and its view st of the state it pulled (every change already Applied,
// which is where "note rolled back" is caught). A failed check is a
// *Detection; cryptobox.ErrUnknownGeneration (fetch the keys and retry) and
// ErrDigestGeneration (rebuild st under the manifest's generation) are not.
//
// Version 0 (no manifest) passes only if the device never saw one. A device
// with no memory trusts the first manifest whose digest matches (first use).
func Verify(b cryptobox.Bundle, userID, deviceID string, mem Memory, st DigestView, m protocol.Manifest) (Payload, error) {
	if m.Version == 0 {
		switch {
		case len(m.Blob) > 0:
			return Payload{}, detect(ErrTamperedManifest, "a blob for version 0")
		case mem.HighestVersion > 0:
			return Payload{}, detect(ErrManifestRollback, fmt.Sprintf("no manifest after version %d", mem.HighestVersion))
		}
		return Payload{}, nil
	}
	raw, err := cryptobox.OpenManifest(b, userID, m.Version, m.Blob)
	if errors.Is(err, cryptobox.ErrUnknownGeneration) {
		return Payload{}, fmt.Errorf("verify manifest: %w", err)
	}
	if err != nil {
		return Payload{}, detect(ErrTamperedManifest, fmt.Sprintf("version %d does not open", m.Version))
	}
	p, err := UnmarshalPayload(raw)
	if err != nil {
		return Payload{}, detect(ErrTamperedManifest, err.Error())
	}
	if p.Version != m.Version {
		return Payload{}, detect(ErrTamperedManifest, fmt.Sprintf("payload version %d served as %d", p.Version, m.Version))
	}
	if gen := binary.BigEndian.Uint32(m.Blob[1:5]); gen < mem.HighestGen {
		return Payload{}, detect(ErrTamperedManifest, fmt.Sprintf("version %d sealed under key generation %d after one under %d", m.Version, gen, mem.HighestGen))
	}
	if m.Version < mem.HighestVersion {
		return Payload{}, detect(ErrManifestRollback, fmt.Sprintf("version %d after %d", m.Version, mem.HighestVersion))
	}
	hash := sha256.Sum256(m.Blob)
	if mem.HighestVersion > 0 {
		if m.Version == mem.HighestVersion && hash != mem.HighestHash {
			return Payload{}, detect(ErrFork, fmt.Sprintf("two different manifests of version %d", m.Version))
		}
		if m.Version == mem.HighestVersion+1 && p.Prev != hex.EncodeToString(mem.HighestHash[:]) {
			return Payload{}, detect(ErrFork, fmt.Sprintf("version %d does not follow the version %d seen", m.Version, mem.HighestVersion))
		}
	}
	if m.Version > mem.HighestVersion {
		if err := checkHeadsForward(p, mem); err != nil {
			return Payload{}, err
		}
	}
	if err := checkOwnHead(p, deviceID, mem); err != nil {
		return Payload{}, err
	}
	if gen := binary.BigEndian.Uint32(m.Blob[1:5]); gen != st.Generation() {
		return Payload{}, fmt.Errorf("verify manifest: sealed under generation %d, state keyed with %d: %w", gen, st.Generation(), ErrDigestGeneration)
	}
	// The first byte (authenticated by OpenManifest) says which set the
	// digest is over (SPEC §10.3, §10.4).
	dg, n := st.LiveDigest(), st.LiveCount()
	if m.Blob[0] == cryptobox.ManifestAllRows {
		dg, n = st.Digest(), st.Count()
	}
	if p.Count != n || p.Digest != dg {
		return Payload{}, detect(ErrStateMismatch, fmt.Sprintf("manifest %d commits to %d notes, pulled %d (digest equal: %t)", m.Version, p.Count, n, p.Digest == dg))
	}
	return p, nil
}

// BlobGeneration returns the key generation a manifest blob is sealed under
// (SPEC §10.4 header), which its digest is keyed with too.
func BlobGeneration(blob []byte) (uint32, error) {
	if len(blob) < 5 {
		return 0, detect(ErrTamperedManifest, "blob too short")
	}
	return binary.BigEndian.Uint32(blob[1:5]), nil
}

// checkOwnHead: heads[this device] is this device's last applied write or
// one whose answer was lost, and absent only if it never wrote.
func checkOwnHead(p Payload, deviceID string, mem Memory) error {
	h, ok := p.Heads[deviceID]
	if !ok {
		if mem.LastWrite != nil {
			return detect(ErrFork, fmt.Sprintf("manifest %d forgot this device's write of version %d", p.Version, mem.LastWrite.Version))
		}
		return nil
	}
	if mem.LastWrite != nil && h == *mem.LastWrite {
		return nil
	}
	for _, q := range mem.Pending {
		if h == q {
			return nil
		}
	}
	return detect(ErrFork, fmt.Sprintf("manifest %d says this device wrote version %d, which it did not", p.Version, h.Version))
}

// checkHeadsForward is the fork-join check of SPEC §10.6: a manifest newer
// than the one remembered holds every remembered device's head at the same
// write or a later one. Each device writes only on a branch that holds its
// own last write, so a head that went back (or vanished) means this
// manifest is on a branch that forked before the remembered one, however
// many versions the server skipped.
func checkHeadsForward(p Payload, mem Memory) error {
	for id, was := range mem.Heads {
		now, ok := p.Heads[id]
		switch {
		case !ok:
			return detect(ErrFork, fmt.Sprintf("manifest %d forgot device %s's write of version %d", p.Version, id, was.Version))
		case now.Version < was.Version:
			return detect(ErrFork, fmt.Sprintf("manifest %d holds device %s at version %d, after %d was seen", p.Version, id, now.Version, was.Version))
		case now.Version == was.Version && now.Prev != was.Prev:
			return detect(ErrFork, fmt.Sprintf("manifest %d holds another write of device %s at version %d", p.Version, id, now.Version))
		}
	}
	return nil
}

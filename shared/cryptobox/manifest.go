package cryptobox

import (
	"encoding/binary"
	"fmt"
)

// Manifest blob versions (SPEC §10.4): the first byte says which set
// digest rule (§10.3) the payload's digest and count follow.
const (
	// ManifestAllRows: D over every row, tombstones included. Read, never
	// written.
	ManifestAllRows byte = 0x01
	// ManifestLiveOnly: D over live notes only. The only one written.
	ManifestLiveOnly byte = 0x02
)

// ManifestHeaderSize is the manifest blob header: version, generation, nonce.
const ManifestHeaderSize = 1 + 4 + NonceSize

func manifestAD(hdr byte, gen uint32, userID string, version uint64) ([]byte, error) {
	uid, err := ParseUUID(userID)
	if err != nil {
		return nil, fmt.Errorf("user id: %w", err)
	}
	ad := make([]byte, 0, 22+1+4+16+8)
	ad = append(ad, "cipherleaf/v1/manifest"...)
	ad = append(ad, hdr)
	ad = binary.BigEndian.AppendUint32(ad, gen)
	ad = append(ad, uid[:]...)
	ad = binary.BigEndian.AppendUint64(ad, version)
	return ad, nil
}

// manifestKey derives MK = HKDF(AK_g, "cipherleaf/v1/manifest") (SPEC §10.2).
func manifestKey(ak *AccountKey) (*[KeySize]byte, error) {
	var k [KeySize]byte
	if err := hkdfInto(k[:], ak.Key[:], "cipherleaf/v1/manifest"); err != nil {
		return nil, err
	}
	return &k, nil
}

// SealManifest seals a manifest payload under the bundle's current key as
// version `version` of userID's manifest (SPEC §10.4), with the first byte
// ManifestLiveOnly: the payload's digest must be over live notes.
//
// Why this is safe: MK is independent of every note key (distinct HKDF
// label); the AD binds user and version, so the server cannot present the
// blob as another user's or as another version, and the first byte, so it
// cannot make a reader apply the other digest rule.
func SealManifest(b Bundle, userID string, version uint64, payload []byte) ([]byte, error) {
	return SealManifestAs(ManifestLiveOnly, b, userID, version, payload)
}

// SealManifestAs is SealManifest with the first byte rule (ManifestAllRows
// or ManifestLiveOnly). A device writes only ManifestLiveOnly; the older
// rule is for tests of readers that must still accept it.
func SealManifestAs(rule byte, b Bundle, userID string, version uint64, payload []byte) ([]byte, error) {
	if rule != ManifestAllRows && rule != ManifestLiveOnly {
		return nil, ErrUnsupportedVersion
	}
	if len(b) == 0 {
		return nil, ErrBadBundle
	}
	nonce, err := newNonce()
	if err != nil {
		return nil, err
	}
	return sealManifestWithNonce(rule, b.Current(), userID, version, payload, nonce)
}

func sealManifestWithNonce(hdr byte, ak AccountKey, userID string, version uint64, payload, nonce []byte) ([]byte, error) {
	ad, err := manifestAD(hdr, ak.Gen, userID, version)
	if err != nil {
		return nil, err
	}
	mk, err := manifestKey(&ak)
	if err != nil {
		return nil, err
	}
	defer clear(mk[:])
	out := make([]byte, 0, ManifestHeaderSize+len(payload)+TagSize)
	out = append(out, hdr)
	out = binary.BigEndian.AppendUint32(out, ak.Gen)
	out = append(out, nonce...)
	return seal(out, mk, nonce, payload, ad)
}

// OpenManifest authenticates blob as version `version` of userID's manifest.
// Its first byte (ManifestAllRows or ManifestLiveOnly) is authenticated
// with it: once it opens, blob[0] says which digest rule the payload follows.
// Failures are ErrOpen, ErrUnsupportedVersion, ErrUnknownGeneration (a
// newer generation: fetch the keys) or ErrRetiredGeneration.
func OpenManifest(b Bundle, userID string, version uint64, blob []byte) ([]byte, error) {
	if len(blob) == 0 {
		return nil, ErrOpen
	}
	if blob[0] != ManifestAllRows && blob[0] != ManifestLiveOnly {
		return nil, ErrUnsupportedVersion
	}
	if len(blob) < ManifestHeaderSize+TagSize {
		return nil, ErrOpen
	}
	gen := binary.BigEndian.Uint32(blob[1:5])
	ak, err := b.lookupForOpen(gen)
	if err != nil {
		return nil, err
	}
	ad, err := manifestAD(blob[0], gen, userID, version)
	if err != nil {
		return nil, err
	}
	mk, err := manifestKey(&ak)
	if err != nil {
		return nil, err
	}
	defer clear(mk[:])
	return open(mk, blob[5:ManifestHeaderSize], blob[ManifestHeaderSize:], ad)
}

package cryptobox

import (
	"encoding/binary"
	"fmt"
)

const manifestVersion = 0x01

// ManifestHeaderSize is the manifest blob header: version, generation, nonce.
const ManifestHeaderSize = 1 + 4 + NonceSize

func manifestAD(gen uint32, userID string, version uint64) ([]byte, error) {
	uid, err := ParseUUID(userID)
	if err != nil {
		return nil, fmt.Errorf("user id: %w", err)
	}
	ad := make([]byte, 0, 22+1+4+16+8)
	ad = append(ad, "cipherleaf/v1/manifest"...)
	ad = append(ad, manifestVersion)
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
// version `version` of userID's manifest (SPEC §10.4).
//
// Why this is safe: MK is independent of every note key (distinct HKDF
// label); the AD binds user and version, so the server cannot present the
// blob as another user's or as another version.
func SealManifest(b Bundle, userID string, version uint64, payload []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, ErrBadBundle
	}
	nonce, err := newNonce()
	if err != nil {
		return nil, err
	}
	return sealManifestWithNonce(b.Current(), userID, version, payload, nonce)
}

func sealManifestWithNonce(ak AccountKey, userID string, version uint64, payload, nonce []byte) ([]byte, error) {
	ad, err := manifestAD(ak.Gen, userID, version)
	if err != nil {
		return nil, err
	}
	mk, err := manifestKey(&ak)
	if err != nil {
		return nil, err
	}
	defer clear(mk[:])
	out := make([]byte, 0, ManifestHeaderSize+len(payload)+TagSize)
	out = append(out, manifestVersion)
	out = binary.BigEndian.AppendUint32(out, ak.Gen)
	out = append(out, nonce...)
	return seal(out, mk, nonce, payload, ad)
}

// OpenManifest authenticates blob as version `version` of userID's manifest.
// Failures are ErrOpen, ErrUnsupportedVersion, ErrUnknownGeneration (a
// newer generation: fetch the keys) or ErrRetiredGeneration.
func OpenManifest(b Bundle, userID string, version uint64, blob []byte) ([]byte, error) {
	if len(blob) == 0 {
		return nil, ErrOpen
	}
	if blob[0] != manifestVersion {
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
	ad, err := manifestAD(gen, userID, version)
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

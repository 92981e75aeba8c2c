package cryptobox

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

const noteVersion = 0x01

// NoteHeaderSize is the envelope header: version, key generation, nonce.
const NoteHeaderSize = 1 + 4 + NonceSize

// Location is where a note envelope belongs; it is bound into the AD so the
// server cannot move a blob to another user, note or revision.
type Location struct {
	UserID string // UUID
	NoteID string // UUID
	Rev    uint64 // the revision the blob has on the server
}

// ParseUUID decodes a UUID in canonical lowercase text form
// (8-4-4-4-12 lowercase hex digits, SPEC conventions) into its 16 bytes.
// Upper case is refused so that one id has exactly one spelling.
func ParseUUID(s string) ([16]byte, error) {
	var out [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return out, ErrBadID
	}
	h := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36]
	for i := 0; i < len(h); i++ {
		if c := h[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return out, ErrBadID
		}
	}
	if _, err := hex.Decode(out[:], []byte(h)); err != nil {
		return out, ErrBadID
	}
	return out, nil
}

func noteAD(gen uint32, loc Location) ([]byte, error) {
	uid, err := ParseUUID(loc.UserID)
	if err != nil {
		return nil, fmt.Errorf("user id: %w", err)
	}
	nid, err := ParseUUID(loc.NoteID)
	if err != nil {
		return nil, fmt.Errorf("note id: %w", err)
	}
	ad := make([]byte, 0, 18+1+4+16+16+8)
	ad = append(ad, "cipherleaf/v1/note"...)
	ad = append(ad, noteVersion)
	ad = binary.BigEndian.AppendUint32(ad, gen)
	ad = append(ad, uid[:]...)
	ad = append(ad, nid[:]...)
	ad = binary.BigEndian.AppendUint64(ad, loc.Rev)
	return ad, nil
}

// noteKeyInfo starts the HKDF info of a note key; the note's id follows.
const noteKeyInfo = "cipherleaf/v1/note"

// noteKey derives the per-note key NK = HKDF(AK, "cipherleaf/v1/note"||id).
//
// Why: a per-note key can be handed over to share a note (or a notebook's
// notes) without revealing the account key or re-encrypting anything else.
func noteKey(ak *AccountKey, noteID string) (*[KeySize]byte, error) {
	nid, err := ParseUUID(noteID)
	if err != nil {
		return nil, fmt.Errorf("note id: %w", err)
	}
	b, err := hkdf.Key(sha256.New, ak.Key[:], nil, noteKeyInfo+string(nid[:]), KeySize)
	if err != nil {
		return nil, fmt.Errorf("derive note key: %w", err)
	}
	var k [KeySize]byte
	copy(k[:], b)
	clear(b)
	return &k, nil
}

// SealNote pads payload and seals it under the bundle's current key for loc
// (SPEC §5).
func SealNote(b Bundle, loc Location, payload []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, ErrBadBundle
	}
	nonce, err := newNonce()
	if err != nil {
		return nil, err
	}
	return sealNoteWithNonce(b.Current(), loc, payload, nonce)
}

func sealNoteWithNonce(ak AccountKey, loc Location, payload, nonce []byte) ([]byte, error) {
	ad, err := noteAD(ak.Gen, loc)
	if err != nil {
		return nil, err
	}
	padded, err := pad(payload)
	if err != nil {
		return nil, err
	}
	defer clear(padded)
	nk, err := noteKey(&ak, loc.NoteID)
	if err != nil {
		return nil, err
	}
	defer clear(nk[:])
	out := make([]byte, 0, NoteHeaderSize+len(padded)+TagSize)
	out = append(out, noteVersion)
	out = binary.BigEndian.AppendUint32(out, ak.Gen)
	out = append(out, nonce...)
	return seal(out, nk, nonce, padded, ad)
}

// EnvelopeGeneration returns the account key generation an envelope is
// sealed under, without opening it.
func EnvelopeGeneration(env []byte) (uint32, error) {
	if len(env) == 0 {
		return 0, ErrOpen
	}
	if env[0] != noteVersion {
		return 0, ErrUnsupportedVersion
	}
	if len(env) < NoteHeaderSize+TagSize {
		return 0, ErrOpen
	}
	return binary.BigEndian.Uint32(env[1:5]), nil
}

// OpenNote authenticates env as the blob of loc and returns its payload.
// It fails with ErrOpen for any tampering or misplacement,
// ErrUnsupportedVersion for a newer format, ErrUnknownGeneration when the
// bundle lacks a newer key, ErrRetiredGeneration for a pruned older one, and ErrMalformedNote for bad padding.
func OpenNote(b Bundle, loc Location, env []byte) ([]byte, error) {
	return OpenNoteTo(nil, b, loc, env)
}

// OpenNoteTo is OpenNote that decrypts into buf's storage when it has
// room, so that a caller opening many notes can reuse one buffer: the
// payload returned then aliases buf. Once the payload is cleared, buf
// holds only zeros again.
func OpenNoteTo(buf []byte, b Bundle, loc Location, env []byte) ([]byte, error) {
	gen, err := EnvelopeGeneration(env)
	if err != nil {
		return nil, err
	}
	ak, err := b.lookupForOpen(gen)
	if err != nil {
		return nil, err
	}
	return openNoteWith(buf, gen, loc, env, func() (*[KeySize]byte, error) { return noteKey(&ak, loc.NoteID) })
}

// openNoteWith is the rest of OpenNoteTo once the envelope's generation
// is known to be held: key is called for the note key, after the
// location is checked.
func openNoteWith(buf []byte, gen uint32, loc Location, env []byte, key func() (*[KeySize]byte, error)) ([]byte, error) {
	ad, err := noteAD(gen, loc)
	if err != nil {
		return nil, err
	}
	nk, err := key()
	if err != nil {
		return nil, err
	}
	defer clear(nk[:])
	padded, err := openTo(buf, nk, env[5:NoteHeaderSize], env[NoteHeaderSize:], ad)
	if err != nil {
		return nil, err
	}
	payload, err := unpad(padded)
	if err != nil {
		clear(padded)
		return nil, err
	}
	// The payload is returned where it was decrypted, not copied: with
	// the length prefix wiped, the rest of the buffer is the padding,
	// zeros (unpad checked), so clearing the payload leaves nothing.
	clear(padded[:lengthBytes])
	return payload, nil
}

package cryptobox

import (
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
)

// NoteOpener opens the notes of one bundle as OpenNoteTo does, with the
// extract step of HKDF done once per key generation instead of once per
// note: NK = HKDF(AK, "cipherleaf/v1/note"||id) is Expand(Extract(AK),
// info) (RFC 5869 §2), and Extract depends on AK alone. Each note then
// costs one HMAC for its key instead of two: a note key is one block of
// output, so Expand is HMAC(PRK, info || 0x01) (RFC 5869 §2.3), computed
// with an HMAC state keyed with PRK once (macPool). It is safe for
// concurrent use; Wipe zeroes the extracted keys.
//
// Why this is safe: the note keys are the same bytes (the vectors and
// TestNoteOpenerMatchesOpenNote check it, and TestExpandNoteKey compares
// the one-block Expand with hkdf.Expand). The extracted key PRK is as
// secret as AK, is kept like AK in memory the caller owns, and only while
// a batch of notes is opened.
type NoteOpener struct {
	b    Bundle
	prks [][sha256.Size]byte // Extract(AK) of each key of b, in b's order
	macs []*macPool          // HMAC states keyed with each of prks
}

// NewNoteOpener extracts the pseudorandom key of every generation of b.
func NewNoteOpener(b Bundle) (*NoteOpener, error) {
	o := &NoteOpener{b: b, prks: make([][sha256.Size]byte, len(b)), macs: make([]*macPool, len(b))}
	for i := range b {
		o.macs[i] = newMACPool(&o.prks[i])
		prk, err := hkdf.Extract(sha256.New, b[i].Key[:], nil)
		if err != nil {
			o.Wipe()
			return nil, fmt.Errorf("extract note key: %w", err)
		}
		copy(o.prks[i][:], prk)
		clear(prk)
	}
	return o, nil
}

// Wipe zeroes the extracted keys and drops the states keyed with them;
// the opener must not be used after.
func (o *NoteOpener) Wipe() {
	for i := range o.prks {
		clear(o.prks[i][:])
	}
	o.macs = nil
}

// OpenTo is OpenNoteTo with the opener's bundle: the same payload, the
// same errors.
func (o *NoteOpener) OpenTo(buf []byte, loc Location, env []byte) ([]byte, error) {
	gen, err := EnvelopeGeneration(env)
	if err != nil {
		return nil, err
	}
	i := -1
	for j := range o.b {
		if o.b[j].Gen == gen {
			i = j
			break
		}
	}
	if i < 0 {
		_, err := o.b.lookupForOpen(gen)
		return nil, err
	}
	return openNoteWith(buf, gen, loc, env, func() (*[KeySize]byte, error) {
		nid, err := ParseUUID(loc.NoteID)
		if err != nil {
			return nil, fmt.Errorf("note id: %w", err)
		}
		k := expandNoteKey(o.macs[i], nid)
		return &k, nil
	})
}

// expandNoteKey is hkdf.Expand(sha256.New, PRK, noteKeyInfo||nid, KeySize)
// with the states of mp, keyed with PRK: a key of one hash length is the
// first block of output, T(1) = HMAC(PRK, info || 0x01).
func expandNoteKey(mp *macPool, nid [16]byte) [KeySize]byte {
	m := mp.get()
	m.msg = append(append(append(m.msg, noteKeyInfo...), nid[:]...), 1)
	return mp.sum(m)
}

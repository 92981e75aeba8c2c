package cryptobox

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/bits"
)

// Digest is the incremental keyed set digest D of SPEC §10.3: a 256-bit
// big-endian sum, mod 2^256, of one entry value per note.
type Digest [32]byte

// Entry is one note's contribution to a Digest.
type Entry [32]byte

// Digester computes entry values under DK. It holds a key: Wipe it when done.
type Digester struct {
	dk   [KeySize]byte
	macs *macPool // HMAC states keyed with dk
}

// NewDigester derives DK = HKDF(AK_g, "cipherleaf/v1/digest") from the
// bundle's current key (SPEC §10.2).
func NewDigester(b Bundle) (*Digester, error) {
	if len(b) == 0 {
		return nil, ErrBadBundle
	}
	ak := b.Current()
	d := &Digester{}
	if err := hkdfInto(d.dk[:], ak.Key[:], "cipherleaf/v1/digest"); err != nil {
		return nil, err
	}
	d.macs = newMACPool(&d.dk)
	return d, nil
}

// Wipe zeroes the digest key and drops the states keyed with it.
func (d *Digester) Wipe() {
	clear(d.dk[:])
	d.macs = newMACPool(&d.dk)
}

// Entry returns HMAC-SHA256(DK, id || u64be(rev) || u8(deleted) || SHA-256(blob)).
// A tombstone has deleted = true and an empty blob.
//
// Why this is safe: the server does not know DK, so it can neither compute
// an entry nor find a different set of entries with the same sum.
func (d *Digester) Entry(noteID string, rev uint64, deleted bool, blob []byte) (Entry, error) {
	return d.EntryOfHash(noteID, rev, deleted, sha256.Sum256(blob))
}

// EntryOfHash is Entry for a blob known by its SHA-256 (a device keeps the
// hash of the server's blob per note, so it can re-digest its view under
// another key generation without the blobs).
func (d *Digester) EntryOfHash(noteID string, rev uint64, deleted bool, blobHash [32]byte) (Entry, error) {
	id, err := ParseUUID(noteID)
	if err != nil {
		return Entry{}, fmt.Errorf("note id: %w", err)
	}
	m := d.macs.get()
	msg := append(m.msg, id[:]...)
	msg = binary.BigEndian.AppendUint64(msg, rev)
	if deleted {
		msg = append(msg, 1)
	} else {
		msg = append(msg, 0)
	}
	m.msg = append(msg, blobHash[:]...)
	return Entry(d.macs.sum(m)), nil
}

// Add adds e to the digest (a note entered the set).
func (x *Digest) Add(e Entry) {
	var carry uint64
	for i := 3; i >= 0; i-- {
		a := binary.BigEndian.Uint64(x[i*8:])
		b := binary.BigEndian.Uint64(e[i*8:])
		var s uint64
		s, carry = bits.Add64(a, b, carry)
		binary.BigEndian.PutUint64(x[i*8:], s)
	}
}

// Sub removes e from the digest (a note's old state left the set).
func (x *Digest) Sub(e Entry) {
	var borrow uint64
	for i := 3; i >= 0; i-- {
		a := binary.BigEndian.Uint64(x[i*8:])
		b := binary.BigEndian.Uint64(e[i*8:])
		var s uint64
		s, borrow = bits.Sub64(a, b, borrow)
		binary.BigEndian.PutUint64(x[i*8:], s)
	}
}

package cryptobox

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"math"
)

// AccountKey is one generation of the account key.
type AccountKey struct {
	Gen uint32
	Key [KeySize]byte
}

// Bundle holds the account keys, newest generation first (SPEC §3). The
// first is the current key; later ones open notes not yet re-sealed.
type Bundle []AccountKey

// MaxBundleKeys is the largest number of generations a bundle holds.
const MaxBundleKeys = 64

const bundleEntrySize = 4 + KeySize

// NewBundle returns a bundle with one fresh random key of generation 1.
func NewBundle() (Bundle, error) {
	var k AccountKey
	k.Gen = 1
	if _, err := rand.Read(k.Key[:]); err != nil {
		return nil, fmt.Errorf("generate account key: %w", err)
	}
	return Bundle{k}, nil
}

// Current returns the key new notes are sealed under. b must not be empty
// (NewBundle and ParseBundle never return an empty bundle).
func (b Bundle) Current() AccountKey { return b[0] }

// Lookup returns the key of generation gen.
func (b Bundle) Lookup(gen uint32) (AccountKey, bool) {
	for _, k := range b {
		if k.Gen == gen {
			return k, true
		}
	}
	return AccountKey{}, false
}

// Rotate returns a new bundle with a fresh key of the next generation in
// front of b's keys. b is unchanged.
func (b Bundle) Rotate() (Bundle, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("rotate: empty bundle: %w", ErrBadBundle)
	}
	if len(b) >= MaxBundleKeys {
		return nil, fmt.Errorf("rotate: bundle already holds %d keys: %w", len(b), ErrBadBundle)
	}
	if b[0].Gen == math.MaxUint32 {
		return nil, fmt.Errorf("rotate: generation %d is the last: %w", b[0].Gen, ErrBadBundle)
	}
	var k AccountKey
	k.Gen = b[0].Gen + 1
	if _, err := rand.Read(k.Key[:]); err != nil {
		return nil, fmt.Errorf("generate account key: %w", err)
	}
	return append(Bundle{k}, b...), nil
}

// Without returns the bundle minus generation gen (never the current key).
func (b Bundle) Without(gen uint32) Bundle {
	if len(b) == 0 {
		return nil
	}
	out := Bundle{b[0]}
	for _, k := range b[1:] {
		if k.Gen != gen {
			out = append(out, k)
		}
	}
	return out
}

// Wipe zeroes every key of the bundle.
func (b Bundle) Wipe() {
	for i := range b {
		clear(b[i].Key[:])
	}
}

// MarshalBinary encodes the bundle as u32be(gen) || key entries.
func (b Bundle) MarshalBinary() ([]byte, error) {
	if err := b.validate(); err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(b)*bundleEntrySize)
	for _, k := range b {
		out = binary.BigEndian.AppendUint32(out, k.Gen)
		out = append(out, k.Key[:]...)
	}
	return out, nil
}

// ParseBundle decodes the bytes of MarshalBinary.
func ParseBundle(data []byte) (Bundle, error) {
	if len(data) == 0 || len(data)%bundleEntrySize != 0 || len(data)/bundleEntrySize > MaxBundleKeys {
		return nil, ErrBadBundle
	}
	b := make(Bundle, len(data)/bundleEntrySize)
	for i := range b {
		e := data[i*bundleEntrySize:]
		b[i].Gen = binary.BigEndian.Uint32(e)
		copy(b[i].Key[:], e[4:bundleEntrySize])
	}
	if err := b.validate(); err != nil {
		b.Wipe()
		return nil, err
	}
	return b, nil
}

func (b Bundle) validate() error {
	if len(b) == 0 || len(b) > MaxBundleKeys {
		return ErrBadBundle
	}
	for i, k := range b {
		if k.Gen == 0 || (i > 0 && k.Gen >= b[i-1].Gen) {
			return ErrBadBundle
		}
	}
	return nil
}

// WrapBundle encodes b and wraps it under key for purpose.
func WrapBundle(key *[KeySize]byte, b Bundle, purpose Purpose) ([]byte, error) {
	raw, err := b.MarshalBinary()
	if err != nil {
		return nil, err
	}
	defer clear(raw)
	return Wrap(key, raw, purpose)
}

// UnwrapBundle opens a wrapped bundle.
func UnwrapBundle(key *[KeySize]byte, wrapped []byte, purpose Purpose) (Bundle, error) {
	raw, err := Unwrap(key, wrapped, purpose)
	if err != nil {
		return nil, err
	}
	defer clear(raw)
	return ParseBundle(raw)
}

// Follow walks key rotation successors forward from b by the rules of
// SPEC §3.1 L2 and returns the newest bundle reached (b itself when none
// qualifies). A successor is tried only with the current key AK_g, never a
// retired one; it is taken only if its current generation is exactly g+1,
// it holds AK_g with the same bytes, and every generation it shares with the
// bundle has the same bytes; the result is the union of its keys and the
// bundle's, newest first. Successors may come in any order. b is never
// modified or wiped.
//
// Why this is safe: only a holder of AK_g can make a successor that opens
// with it, so a holder of a retired key cannot move the device, no
// successor can jump generations (so rotation never runs out of them), and
// none can take away or replace a key the device holds.
func (b Bundle) Follow(successors [][]byte) Bundle {
	cur, owned := b, false // owned: cur was made here, so it may be wiped
	for progress := len(b) > 0; progress; {
		progress = false
		for _, s := range successors {
			nb, ok := cur.successor(s)
			if !ok {
				continue
			}
			if owned {
				cur.Wipe()
			}
			cur, owned, progress = nb, true, true
		}
	}
	return cur
}

// successor opens s with the current key and returns the union bundle if s
// is an acceptable successor (SPEC §3.1 L2).
func (b Bundle) successor(s []byte) (Bundle, bool) {
	nb, err := UnwrapBundle(&b[0].Key, s, PurposeRotation)
	if err != nil {
		return nil, false
	}
	defer nb.Wipe()
	if uint64(nb[0].Gen) != uint64(b[0].Gen)+1 {
		return nil, false
	}
	shares := false
	for _, k := range nb {
		mine, ok := b.Lookup(k.Gen)
		if !ok {
			continue
		}
		if subtle.ConstantTimeCompare(mine.Key[:], k.Key[:]) != 1 {
			return nil, false
		}
		shares = shares || k.Gen == b[0].Gen
	}
	if !shares {
		return nil, false
	}
	out := make(Bundle, 0, len(nb)+len(b))
	i, j := 0, 0
	for (i < len(nb) || j < len(b)) && len(out) < MaxBundleKeys {
		switch {
		case j == len(b) || (i < len(nb) && nb[i].Gen > b[j].Gen):
			out = append(out, nb[i])
			i++
		case i == len(nb) || b[j].Gen > nb[i].Gen:
			out = append(out, b[j])
			j++
		default: // same generation, same bytes
			out = append(out, nb[i])
			i, j = i+1, j+1
		}
	}
	return out, true
}

// Prune returns a new bundle holding only the current key: every retired
// generation dropped (SPEC §3.1 L3). b is unchanged.
func (b Bundle) Prune() Bundle {
	if len(b) == 0 {
		return nil
	}
	return Bundle{b[0]}
}

// lookupForOpen returns the key of generation gen for opening a blob:
// ErrUnknownGeneration for a generation newer than the current one (fetch
// the keys), ErrRetiredGeneration for an older one the bundle dropped.
func (b Bundle) lookupForOpen(gen uint32) (AccountKey, error) {
	if k, ok := b.Lookup(gen); ok {
		return k, nil
	}
	if len(b) > 0 && gen < b[0].Gen {
		return AccountKey{}, ErrRetiredGeneration
	}
	return AccountKey{}, ErrUnknownGeneration
}

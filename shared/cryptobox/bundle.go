package cryptobox

import (
	"crypto/rand"
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

// Follow walks key rotation successors forward from b (SPEC §3): each
// successor is Wrap(AK_g, bundle_{g+1}, "rotation"), so a holder of any
// older generation opens the next bundle, and from it the one after. It
// returns the newest bundle reached, which is b itself when no successor
// opens to a newer generation. Successors are expected oldest first; others
// are found too, at the cost of another pass. b is never modified or wiped.
//
// A successor can only be made by a holder of AK_g (the AEAD refuses any
// other), so a server can withhold successors but cannot forge one.
func (b Bundle) Follow(successors [][]byte) Bundle {
	cur, owned := b, false // owned: cur was made here, so it may be wiped
	for progress := len(b) > 0; progress; {
		progress = false
		for _, s := range successors {
			for i := range cur {
				nb, err := UnwrapBundle(&cur[i].Key, s, PurposeRotation)
				if err != nil {
					continue
				}
				if nb.Current().Gen <= cur.Current().Gen {
					nb.Wipe()
					break
				}
				if owned {
					cur.Wipe()
				}
				cur, owned, progress = nb, true, true
				break
			}
		}
	}
	return cur
}

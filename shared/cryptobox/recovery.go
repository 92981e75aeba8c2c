package cryptobox

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"strings"
)

// RecoveryKey is the 32-byte printable key that also wraps the bundle and
// authorizes a password reset (SPEC §6).
type RecoveryKey [KeySize]byte

const recoveryChars = 55 // base32 of 34 bytes, unpadded

// NewRecoveryKey returns a fresh random recovery key.
func NewRecoveryKey() (RecoveryKey, error) {
	var r RecoveryKey
	if _, err := rand.Read(r[:]); err != nil {
		return r, fmt.Errorf("generate recovery key: %w", err)
	}
	return r, nil
}

// String prints the key as 11 groups of 5 base32 characters.
func (r RecoveryKey) String() string {
	sum := sha256.Sum256(r[:])
	raw := append(r[:], sum[0], sum[1])
	s := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw)
	var b strings.Builder
	for i := 0; i < len(s); i += 5 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(s[i:min(i+5, len(s))])
	}
	return b.String()
}

// ParseRecoveryKey reads a printed recovery key, forgiving case, spaces,
// dashes and the look-alikes 0/O, 1/I, 8/B.
func ParseRecoveryKey(s string) (RecoveryKey, error) {
	var r RecoveryKey
	clean := strings.Map(func(c rune) rune {
		switch {
		case c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return -1
		case c == '0':
			return 'O'
		case c == '1':
			return 'I'
		case c == '8':
			return 'B'
		case c >= 'a' && c <= 'z':
			return c - 'a' + 'A'
		}
		return c
	}, s)
	if len(clean) != recoveryChars {
		return r, ErrRecoveryKeyMistyped
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(clean)
	if err != nil || len(raw) != KeySize+2 {
		return r, ErrRecoveryKeyMistyped
	}
	sum := sha256.Sum256(raw[:KeySize])
	if subtle.ConstantTimeCompare(sum[:2], raw[KeySize:]) != 1 {
		return r, ErrRecoveryKeyMistyped
	}
	copy(r[:], raw)
	clear(raw)
	return r, nil
}

// WrapKey returns RWK, the key that wraps the bundle for recovery.
func (r *RecoveryKey) WrapKey() (*[KeySize]byte, error) {
	var k [KeySize]byte
	if err := hkdfInto(k[:], r[:], "cipherleaf/v1/recovery-wrap"); err != nil {
		return nil, err
	}
	return &k, nil
}

// AuthKey returns RAUTH, sent to the server to authorize a password reset.
func (r *RecoveryKey) AuthKey() (*[KeySize]byte, error) {
	var k [KeySize]byte
	if err := hkdfInto(k[:], r[:], "cipherleaf/v1/recovery-auth"); err != nil {
		return nil, err
	}
	return &k, nil
}

// Wipe zeroes the key.
func (r *RecoveryKey) Wipe() { clear(r[:]) }

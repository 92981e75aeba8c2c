package twofactor

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"io"
	"strings"
)

// recoveryAlphabet is RFC 4648 base32, lower-cased.
var recoveryEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewRecoveryCodes makes n one-time codes of 50 random bits each, written
// xxxxx-xxxxx (SPEC §7.5).
func NewRecoveryCodes(n int, r io.Reader) ([]string, error) {
	codes := make([]string, n)
	for i := range codes {
		var b [7]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("make recovery codes: %w", err)
		}
		s := recoveryEncoding.EncodeToString(b[:])[:10]
		codes[i] = s[:5] + "-" + s[5:]
	}
	return codes, nil
}

// NormalizeRecoveryCode lower-cases code and drops '-' and white space.
func NormalizeRecoveryCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-', r == ' ', r == '\t', r == '\n', r == '\r':
			return -1
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return r
	}, code)
}

// CodeHasher hashes recovery codes for storage: HMAC-SHA256 under a key
// derived from the data folder's secret, over the account id and the
// normalized code, so a copy of the database alone cannot test guesses and
// one account's hashes say nothing about another's.
type CodeHasher struct{ key []byte }

// NewCodeHasher returns a hasher keyed by key.
func NewCodeHasher(key []byte) *CodeHasher { return &CodeHasher{key: key} }

// Hash is the stored form of code for account uid.
func (h *CodeHasher) Hash(uid, code string) []byte {
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte(uid))
	m.Write([]byte{':'})
	m.Write([]byte(NormalizeRecoveryCode(code)))
	return m.Sum(nil)
}

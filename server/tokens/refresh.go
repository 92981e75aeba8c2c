package tokens

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
)

// RefreshSize is the number of random bytes in a refresh token.
const RefreshSize = 32

// NewRefresh returns a fresh refresh token (base64url, no padding) and the
// hash the server stores. r is the randomness (crypto/rand if nil).
func NewRefresh(r io.Reader) (token string, hash []byte, err error) {
	if r == nil {
		r = rand.Reader
	}
	var b [RefreshSize]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", nil, fmt.Errorf("generate refresh token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashRefresh(token), nil
}

// HashRefresh is the stored form of a refresh token: SHA-256 of its text.
// The token is 256 random bits, so a fast hash suffices (no guessing), and
// lookups by hash make comparison constant-time in effect: the secret is
// never compared byte by byte.
func HashRefresh(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

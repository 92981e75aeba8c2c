package cryptobox

import (
	"crypto/rand"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// NonceSize is the XChaCha20-Poly1305 nonce size.
const NonceSize = chacha20poly1305.NonceSizeX

// TagSize is the Poly1305 tag size.
const TagSize = chacha20poly1305.Overhead

// seal appends XChaCha20-Poly1305(key, nonce, plaintext, ad) to dst.
//
// Why this is safe: every key here seals at most a few billion messages and
// nonces are 24 random bytes from crypto/rand, so a nonce collision has
// probability below 2^-100; the AD binds each blob to where it belongs.
func seal(dst []byte, key *[KeySize]byte, nonce, plaintext, ad []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(key[:])
	if err != nil {
		return nil, fmt.Errorf("new aead: %w", err)
	}
	return aead.Seal(dst, nonce, plaintext, ad), nil
}

// open authenticates and decrypts; any failure is ErrOpen.
func open(key *[KeySize]byte, nonce, ciphertext, ad []byte) ([]byte, error) {
	return openTo(nil, key, nonce, ciphertext, ad)
}

// openTo is open that decrypts into dst's storage when it has room.
func openTo(dst []byte, key *[KeySize]byte, nonce, ciphertext, ad []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(key[:])
	if err != nil {
		return nil, fmt.Errorf("new aead: %w", err)
	}
	pt, err := aead.Open(dst[:0], nonce, ciphertext, ad)
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

// newNonce returns 24 random bytes.
func newNonce() ([]byte, error) {
	n := make([]byte, NonceSize)
	if _, err := rand.Read(n); err != nil {
		return nil, fmt.Errorf("generate nonce: %w", err)
	}
	return n, nil
}

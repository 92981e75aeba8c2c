package twofactor

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
)

// sealInfo is the HKDF info of the seal key (SPEC §7.5).
const sealInfo = "cipherleaf totp secret seal v1"

// ErrOpen is the one error of a sealed secret that does not open.
var ErrOpen = errors.New("open sealed totp secret: message authentication failed")

// Sealer encrypts TOTP secrets at rest with AES-256-GCM. Why it is safe:
// the key is used for nothing else (HKDF with its own info), nonces are 96
// random bits per seal (far below the 2^32 seals per key where random
// nonces start to collide), and the account id is additional data, so a
// sealed secret copied to another account's row does not open.
type Sealer struct {
	aead cipher.AEAD
	rand io.Reader
}

// NewSealer derives the seal key from ikm (a key derived from the data
// folder's secret for this purpose) and reads nonces from r.
func NewSealer(ikm []byte, r io.Reader) (*Sealer, error) {
	key, err := hkdf.Key(sha256.New, ikm, nil, sealInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("derive seal key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("make seal cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("make seal cipher: %w", err)
	}
	return &Sealer{aead: aead, rand: r}, nil
}

// Seal encrypts secret for account uid: nonce || ciphertext.
func (s *Sealer) Seal(uid, secret string) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(secret)+s.aead.Overhead())
	if _, err := io.ReadFull(s.rand, nonce); err != nil {
		return nil, fmt.Errorf("seal totp secret: %w", err)
	}
	return s.aead.Seal(nonce, nonce, []byte(secret), []byte(uid)), nil
}

// Open decrypts what Seal made for uid, or returns ErrOpen.
func (s *Sealer) Open(uid string, sealed []byte) (string, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return "", ErrOpen
	}
	pt, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(uid))
	if err != nil {
		return "", ErrOpen
	}
	return string(pt), nil
}

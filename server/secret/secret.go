// Package secret keeps the server's one long-term secret: 32 random bytes
// in a file of mode 0600, from which purpose-specific keys are derived
// (JWT signing, fake KDF salts), so no key serves two purposes.
package secret

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Size is the length of the secret in bytes.
const Size = 32

// Secret is the server's root secret.
type Secret struct{ b []byte }

// LoadOrCreate reads the secret at path, creating it (mode 0600, from r,
// crypto/rand if nil) when it does not exist.
func LoadOrCreate(path string, r io.Reader) (*Secret, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		if len(b) != Size {
			return nil, fmt.Errorf("read secret %s: want %d bytes, found %d", path, Size, len(b))
		}
		return &Secret{b: b}, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read secret: %w", err)
	}
	if r == nil {
		r = rand.Reader
	}
	b = make([]byte, Size)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("generate secret: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create secret: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return nil, fmt.Errorf("write secret: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("write secret: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("write secret: %w", err)
	}
	return &Secret{b: b}, nil
}

// Derive returns HMAC-SHA256(secret, purpose): a 32-byte key for one
// purpose.
func (s *Secret) Derive(purpose string) []byte {
	m := hmac.New(sha256.New, s.b)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

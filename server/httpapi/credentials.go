package httpapi

import (
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// hashKey returns the bcrypt hash the server stores for an auth key.
func (a *api) hashKey(key []byte) ([]byte, error) {
	h, err := bcrypt.GenerateFromPassword(key, a.BcryptCost)
	if err != nil {
		return nil, fmt.Errorf("hash key: %w", err)
	}
	return h, nil
}

// keyMatches compares key with hash by bcrypt (constant time in the key).
// A nil hash (unknown user) is compared against a dummy hash so that both
// paths cost one bcrypt.
func (a *api) keyMatches(hash, key []byte) bool {
	if hash == nil {
		_ = bcrypt.CompareHashAndPassword(a.dummyHash, key)
		return false
	}
	return bcrypt.CompareHashAndPassword(hash, key) == nil
}

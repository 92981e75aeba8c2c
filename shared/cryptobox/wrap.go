package cryptobox

import "fmt"

// Purpose names what a wrapping key is, and is bound into the AD so a blob
// wrapped for one purpose never opens as another (SPEC §4).
type Purpose string

// Wrapping purposes of SPEC §4.
const (
	PurposePassword Purpose = "password"
	PurposeRecovery Purpose = "recovery"
	PurposeDevice   Purpose = "device"
	PurposeRotation Purpose = "rotation"
	PurposeBackup   Purpose = "backup"
)

const wrapVersion = 0x01

// WrapOverhead is the number of bytes Wrap adds to its plaintext.
const WrapOverhead = 1 + NonceSize + TagSize

// known reports whether p is one of the purposes of SPEC §4.
func (p Purpose) known() bool {
	switch p {
	case PurposePassword, PurposeRecovery, PurposeDevice, PurposeRotation, PurposeBackup:
		return true
	}
	return false
}

func wrapAD(p Purpose) []byte { return []byte("cipherleaf/v1/wrap/" + string(p)) }

// Wrap seals plaintext under key for purpose: 0x01 || nonce || ciphertext.
// purpose must be one of the Purpose constants.
func Wrap(key *[KeySize]byte, plaintext []byte, purpose Purpose) ([]byte, error) {
	nonce, err := newNonce()
	if err != nil {
		return nil, err
	}
	return wrapWithNonce(key, plaintext, purpose, nonce)
}

func wrapWithNonce(key *[KeySize]byte, plaintext []byte, purpose Purpose, nonce []byte) ([]byte, error) {
	if !purpose.known() {
		return nil, fmt.Errorf("wrap: unknown purpose %q", purpose)
	}
	out := make([]byte, 0, WrapOverhead+len(plaintext))
	out = append(out, wrapVersion)
	out = append(out, nonce...)
	out, err := seal(out, key, nonce, plaintext, wrapAD(purpose))
	if err != nil {
		return nil, fmt.Errorf("wrap: %w", err)
	}
	return out, nil
}

// Unwrap opens a blob made by Wrap with the same key and purpose.
func Unwrap(key *[KeySize]byte, wrapped []byte, purpose Purpose) ([]byte, error) {
	if len(wrapped) == 0 {
		return nil, ErrOpen
	}
	if wrapped[0] != wrapVersion {
		return nil, ErrUnsupportedVersion
	}
	if len(wrapped) < WrapOverhead || !purpose.known() {
		return nil, ErrOpen
	}
	return open(key, wrapped[1:1+NonceSize], wrapped[1+NonceSize:], wrapAD(purpose))
}

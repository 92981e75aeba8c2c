package cryptobox

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"fmt"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// KeySize is the size of every symmetric key in Cipherleaf.
const KeySize = 32

// SaltSize is the size of an Argon2id salt.
const SaltSize = 16

// Params are an account's Argon2id parameters (SPEC §2). Memory is in KiB.
type Params struct {
	Time    uint32
	Memory  uint32
	Threads uint8
	Salt    []byte
}

// Policy bounds the parameters a client accepts. The floor stops a malicious
// server from downgrading the KDF; the ceiling stops it from exhausting the
// device.
type Policy struct {
	MinTime, MaxTime     uint32
	MinMemory, MaxMemory uint32
	MinThreads           uint8
	MaxThreads           uint8
}

// DefaultPolicy is the floor and ceiling of SPEC §2. Clients use it. The
// ceiling (t ≤ 4, 256 MiB, p ≤ 8) is what a desktop tolerates once per
// sign-in: about 5 s on a loaded 2-core machine (SPEC §3.1 L5), so a
// malicious server cannot make a login cost more.
var DefaultPolicy = Policy{
	MinTime: 2, MaxTime: 4,
	MinMemory: 19456, MaxMemory: 256 << 10,
	MinThreads: 1, MaxThreads: 8,
}

// InsecureTestPolicy accepts tiny parameters.
//
// WARNING: only for tests and test vectors. A client that uses it lets a
// server downgrade password hashing to nothing.
var InsecureTestPolicy = Policy{
	MinTime: 1, MaxTime: 16,
	MinMemory: 8, MaxMemory: 1 << 20,
	MinThreads: 1, MaxThreads: 16,
}

// NewParams returns the default parameters of SPEC §2 (t=3, m=64 MiB, p=4)
// with a fresh random salt.
func NewParams() (Params, error) {
	salt := make([]byte, SaltSize)
	if _, err := rand.Read(salt); err != nil {
		return Params{}, fmt.Errorf("generate salt: %w", err)
	}
	return Params{Time: 3, Memory: 64 * 1024, Threads: 4, Salt: salt}, nil
}

// Check reports whether p lies within the policy. Whatever the policy, it
// also enforces the RFC 9106 minimums t ≥ 1, p ≥ 1 and m ≥ 8·p (below them
// x/crypto/argon2 would panic or silently raise m, unlike other
// implementations).
func (pol Policy) Check(p Params) error {
	if len(p.Salt) != SaltSize {
		return fmt.Errorf("salt is %d bytes, want %d: %w", len(p.Salt), SaltSize, ErrWeakParams)
	}
	if p.Time < max(pol.MinTime, 1) || p.Memory < pol.MinMemory || p.Threads < max(pol.MinThreads, 1) {
		return ErrWeakParams
	}
	if uint64(p.Memory) < 8*uint64(p.Threads) {
		return fmt.Errorf("memory %d KiB below 8 × %d threads: %w", p.Memory, p.Threads, ErrWeakParams)
	}
	if p.Time > pol.MaxTime || p.Memory > pol.MaxMemory || p.Threads > pol.MaxThreads {
		return ErrExcessiveParams
	}
	return nil
}

// DerivedKeys are the two keys stretched from a password.
type DerivedKeys struct {
	// KEK wraps the account key bundle. It never leaves the device.
	KEK [KeySize]byte
	// Auth is sent to the server, which stores only its bcrypt hash.
	Auth [KeySize]byte
}

// Wipe overwrites both keys with zeros.
func (k *DerivedKeys) Wipe() {
	clear(k.KEK[:])
	clear(k.Auth[:])
}

// Derive stretches password with Argon2id under p, then splits the 64-byte
// output with HKDF-SHA256 into the KEK and the auth key (SPEC §2). It refuses
// parameters outside pol.
//
// Why this is safe: Argon2id is the memory-hard RFC 9106 KDF; HKDF with
// distinct info labels makes KEK and Auth independent, so the server, which
// learns Auth, learns nothing about KEK.
func Derive(password []byte, p Params, pol Policy) (*DerivedKeys, error) {
	if len(password) == 0 {
		return nil, ErrEmptyPassword
	}
	if err := pol.Check(p); err != nil {
		return nil, err
	}
	normalized := norm.NFC.Bytes(password)
	ikm := argon2.IDKey(normalized, p.Salt, p.Time, p.Memory, p.Threads, 64)
	if &normalized[0] != &password[0] {
		clear(normalized)
	}
	defer clear(ikm)
	var k DerivedKeys
	if err := hkdfInto(k.KEK[:], ikm, "cipherleaf/v1/kek"); err != nil {
		return nil, err
	}
	if err := hkdfInto(k.Auth[:], ikm, "cipherleaf/v1/auth"); err != nil {
		return nil, err
	}
	return &k, nil
}

// hkdfInto fills out with HKDF-SHA256(ikm, empty salt, info).
func hkdfInto(out, ikm []byte, info string) error {
	b, err := hkdf.Key(sha256.New, ikm, nil, info, len(out))
	if err != nil {
		return fmt.Errorf("hkdf %s: %w", info, err)
	}
	copy(out, b)
	clear(b)
	return nil
}

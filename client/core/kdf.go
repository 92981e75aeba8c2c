package core

import (
	"crypto/subtle"
	"fmt"

	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

func kdfToParams(k protocol.KDF) (cryptobox.Params, error) {
	if k.Alg != protocol.KDFAlgArgon2id || k.Version != protocol.KDFVersion {
		return cryptobox.Params{}, ErrUnsupportedKDF
	}
	return cryptobox.Params{Time: k.Time, Memory: k.Memory, Threads: k.Threads, Salt: k.Salt}, nil
}

func paramsToKDF(p cryptobox.Params) protocol.KDF {
	return protocol.KDF{Alg: protocol.KDFAlgArgon2id, Version: protocol.KDFVersion,
		Time: p.Time, Memory: p.Memory, Threads: p.Threads, Salt: p.Salt}
}

// derive stretches password under the account's parameters, refusing
// parameters outside the policy (a server cannot downgrade the KDF).
func (c *Core) derive(password []byte, k protocol.KDF) (*cryptobox.DerivedKeys, error) {
	p, err := kdfToParams(k)
	if err != nil {
		return nil, err
	}
	dk, err := cryptobox.Derive(password, p, c.cfg.Policy)
	if err != nil {
		return nil, fmt.Errorf("derive keys: %w", err)
	}
	return dk, nil
}

// freshKeys picks new parameters and derives keys for a new password.
func (c *Core) freshKeys(password []byte) (*cryptobox.DerivedKeys, protocol.KDF, error) {
	p, err := c.cfg.NewParams()
	if err != nil {
		return nil, protocol.KDF{}, fmt.Errorf("new kdf parameters: %w", err)
	}
	k := paramsToKDF(p)
	dk, err := c.derive(password, k)
	return dk, k, err
}

// sameKDF reports whether a and b are the same parameters and salt.
func sameKDF(a, b protocol.KDF) bool {
	return a.Alg == b.Alg && a.Version == b.Version && a.Time == b.Time && a.Memory == b.Memory &&
		a.Threads == b.Threads && subtle.ConstantTimeCompare(a.Salt, b.Salt) == 1
}

// pinnedKDF returns the KDF parameters and salt this device pinned for the
// account (url, username) at its first sign-in (SPEC §3.1 L5); false for an
// account this device never signed in to.
func (c *Core) pinnedKDF(url, username string) (protocol.KDF, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.acct == nil || c.acct.ServerURL != url || c.acct.Username != username {
		return protocol.KDF{}, false
	}
	return c.acct.KDF, true
}

// checkPinned refuses parameters other than the pinned ones: this device
// never changes them, so a change comes from the server.
func checkPinned(pinned protocol.KDF, ok bool, got protocol.KDF) error {
	if ok && !sameKDF(pinned, got) {
		return ErrKDFChanged
	}
	return nil
}

package httpapi

import (
	"unicode/utf8"

	"cipherleaf.dev/shared/protocol"
)

// Sizes the server checks on key material (SPEC §7.1, §4).
const (
	authKeySize       = 32
	minWrappedKeySize = 77   // 1 + 24 + 36 + 16: a one-key bundle
	maxWrappedKeySize = 8192 // a 64-key bundle is 2345 bytes
	maxDeviceName     = 128
)

// KDF floor and ceiling (SPEC §2): a server refuses what a client would.
const (
	kdfMinTime, kdfMaxTime     = 2, 4
	kdfMinMemory, kdfMaxMemory = 19456, 262144
	kdfMinThreads, kdfMaxThrds = 1, 8
	kdfSaltSize                = 16
)

func checkUsername(name string) error {
	if !protocol.ValidUsername(name) {
		return protocol.ErrInvalidUsername
	}
	return nil
}

func checkAuthKey(field string, k []byte) error {
	if len(k) != authKeySize {
		return badRequest(field + " must be 32 bytes")
	}
	return nil
}

func checkWrappedKey(field string, k []byte, optional bool) error {
	if optional && k == nil {
		return nil
	}
	if len(k) < minWrappedKeySize || len(k) > maxWrappedKeySize {
		return badRequest(field + " must be 77 to 8192 bytes")
	}
	return nil
}

func checkKDF(k *protocol.KDF) error {
	if k.Alg != protocol.KDFAlgArgon2id || k.Version != protocol.KDFVersion {
		return badRequest("unsupported key derivation")
	}
	if k.Time < kdfMinTime || k.Time > kdfMaxTime ||
		k.Memory < kdfMinMemory || k.Memory > kdfMaxMemory ||
		k.Threads < kdfMinThreads || k.Threads > kdfMaxThrds {
		return badRequest("key derivation parameters outside the allowed range")
	}
	if len(k.Salt) != kdfSaltSize {
		return badRequest("kdf salt must be 16 bytes")
	}
	return nil
}

func checkDeviceName(n string) error {
	if len(n) > maxDeviceName || !utf8.ValidString(n) {
		return badRequest("device_name must be at most 128 bytes of UTF-8")
	}
	return nil
}

func (a *api) checkBlob(field string, b []byte) error {
	if len(b) == 0 {
		return badRequest(field + " is missing")
	}
	if len(b) > a.MaxBlob {
		return tooLarge(field + " is over the server's blob size limit")
	}
	return nil
}

func checkNoteID(id string) error {
	if !protocol.ValidID(id) {
		return badRequest(protocol.ErrInvalidID.Error())
	}
	return nil
}

// firstError returns the first non-nil error of errs.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
)

// Recovery auth keys (SPEC §6) are 32 bytes from HKDF of a 256-bit random
// recovery key, not something a person chose: nobody can guess one, so a
// slow hash adds nothing against a stolen database and the server stores
// SHA-256 of it, tagged so it is never mistaken for the bcrypt hashes that
// accounts from before this change still hold:
//
//	recovery_hash = "sha256:" || SHA-256(recovery_auth_key)      (39 bytes)
//	recovery_hash = bcrypt(recovery_auth_key)  "$2a$…"           (older rows)
//
// Both are accepted; an older row is rewritten in the SHA-256 form the
// first time its key is proven. Plain SHA-256 rather than an HMAC under
// the server secret: a restored database whose secret.key was lost must
// still let its users recover, which is exactly when they need it.

const recoveryHashTag = "sha256:"

// recoveryHash is what the server stores for a recovery auth key.
func recoveryHash(key []byte) []byte {
	sum := sha256.Sum256(key)
	return append([]byte(recoveryHashTag), sum[:]...)
}

// isLegacyRecoveryHash says stored is a bcrypt hash from before the
// SHA-256 form.
func isLegacyRecoveryHash(stored []byte) bool {
	return !bytes.HasPrefix(stored, []byte(recoveryHashTag))
}

// recoveryKeyMatches compares key with the stored recovery hash in either
// form. Every path costs one bcrypt, as login does, so that neither an
// unknown user (dummy hash) nor the hash's form shows in the time of an
// answer. The error is keyMatches's: a refusal to run (busy).
func (a *api) recoveryKeyMatches(ctx context.Context, stored, key []byte) (bool, error) {
	if stored == nil || isLegacyRecoveryHash(stored) {
		return a.keyMatches(ctx, stored, key)
	}
	want := recoveryHash(key)
	ok := len(stored) == len(want) && subtle.ConstantTimeCompare(stored, want) == 1
	if _, err := a.keyMatches(ctx, nil, key); err != nil {
		return false, err
	}
	return ok, nil
}

// upgradeRecoveryHash replaces a proven bcrypt recovery hash with the
// SHA-256 form; only if the stored hash is still old, so a new recovery
// key set meanwhile is never overwritten. A failure only delays the
// upgrade.
func (a *api) upgradeRecoveryHash(ctx context.Context, userID int64, old, key []byte) {
	if !isLegacyRecoveryHash(old) {
		return
	}
	if err := a.Store.RehashKey(ctx, userID, true, old, recoveryHash(key)); err != nil {
		a.Logger.WarnContext(ctx, "upgrade recovery hash", "err", err)
	}
}

// Package cryptobox is Cipherleaf's only cryptography: it turns a password
// into keys, wraps the account key bundle, seals and opens note envelopes and
// encodes recovery keys, exactly as shared/SPEC.md §2–§6 define them.
//
// Every primitive comes from golang.org/x/crypto (argon2, chacha20poly1305,
// hkdf) and the standard library; this package only composes them. Each
// composition is in one file with a comment on why it is safe. Every failure
// to authenticate returns the single opaque error ErrOpen. Nothing is logged.
package cryptobox

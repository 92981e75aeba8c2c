// Package twofactor holds the server side of two-factor sign-in (SPEC
// §7.5): TOTP codes (RFC 6238, through github.com/pquerna/otp), the seal
// that keeps TOTP secrets encrypted at rest, hashed one-time recovery
// codes, and the short-lived login challenges. It holds no account state:
// the store keeps the sealed secrets, the last accepted step and the code
// hashes.
//
// The server module never imports cryptobox (the server holds no note
// keys); the seal here is the standard library's AES-256-GCM under a key
// derived with HKDF-SHA256 from the data folder's secret.
package twofactor

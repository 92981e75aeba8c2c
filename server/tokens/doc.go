// Package tokens issues and verifies Cipherleaf's credentials: short-lived
// HS256 access JWTs (the only accepted algorithm) and opaque single-use
// refresh tokens, of which the server keeps only a SHA-256.
package tokens

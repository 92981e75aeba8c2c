// Package apiclient speaks the Cipherleaf HTTP API version 1 (SPEC.md §7)
// to a cipherleafd server, over the wire types of cipherleaf.dev/shared/protocol.
//
// It owns transport concerns only: TLS (system roots or a pinned SHA-256
// certificate fingerprint, trust on first use through Probe), bearer tokens
// with a single-flight refresh on 401, retries with exponential backoff and
// jitter on network errors, 5xx and 429 (honouring Retry-After), a cap on
// response sizes, and turning answers into typed errors. It holds no keys and
// does no cryptography: every blob and key is opaque bytes. It never logs
// tokens or bodies.
//
// Note writes are safe to retry: they are compare-and-swap on base_rev, so a
// retried PUT whose first attempt was applied comes back as a *ConflictError
// whose Current is the caller's own write.
package apiclient

// Package vault is the local encrypted store of one Cipherleaf profile: a
// SQLite file holding note envelopes, wrapped key bundles, KDF parameters and
// sync state (cursor, pending queue, highest revision seen per note), exactly
// as SPEC §8 describes. It never sees a key or a plaintext note: everything it
// stores is opaque bytes sealed by cryptobox.
package vault

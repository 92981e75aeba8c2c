// Package sqlite keeps Cipherleaf's server state in SQLite (the default,
// one machine; it implements server.Store): accounts,
// sessions, opaque note blobs with their revisions and per-user sequence,
// and the per-user manifest. It never sees a key or a plaintext note.
//
// Writes go through one connection (SQLite allows one writer at a time, and
// queuing in Go is cheaper than SQLITE_BUSY retries); reads use a small pool
// of read-only connections that WAL lets run beside the writer.
package sqlite

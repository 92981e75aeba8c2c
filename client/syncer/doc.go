// Package syncer is Cipherleaf's offline-first sync engine: it pulls the
// change feed page by page and checks it against the tamper-evident manifest
// (SPEC §10.6) before applying anything, then pushes the vault's pending
// queue as atomic batches that carry the next manifest (§10.5), and resolves
// conflicts without losing an edit (three-way merge against the last synced
// revision, else a conflicted copy; an edit beats a delete). Any sign of a
// misbehaving server — a blob that fails to open, a rollback, a dropped,
// swapped or replayed note, a manifest rolled back or forked — stops the sync
// with a *manifest.Detection and leaves the vault untouched (SPEC §8). After
// the server compacted tombstones past the cursor it pulls everything again,
// verified against the same memory, and keeps a pending edit of a note
// deleted meanwhile as a new note (SPEC §10.7).
package syncer

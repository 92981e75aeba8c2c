// Package syncer is Cipherleaf's offline-first sync engine: it pushes the
// vault's pending queue in batches, pulls the change feed page by page, and
// resolves conflicts without losing an edit (three-way merge against the last
// synced revision, else a conflicted copy; an edit beats a delete). It
// refuses a page that rolls a note back below a revision already seen or
// holds a blob that fails to open, leaving the vault untouched (SPEC §8).
package syncer

// Package core is the Cipherleaf client engine under both the desktop app
// and the CLI: the encrypted local vault, the account operations, offline
// editing, sync, search and export. It imports no GUI toolkit.
//
// The front ends declare the few methods they call as their own interfaces
// (ui.Core, cli.Core); *Core implements both. Every method is safe to call
// from any goroutine.
//
// # Lock design
//
// The rule that keeps the core free of deadlocks: no lock is held across
// network I/O, and no lock is held while taking one earlier in the order
// below. Each lock, what it guards, in the order they may be taken:
//
//  1. Core.resetMu serializes Logout, DeleteAccount and Close (the
//     operations that end the account or the Core). Held while they wait
//     for running syncs to stop; never taken by a sync.
//  2. vault.Vault's write lock (wmu, with SQLite's own write lock) serializes
//     write transactions; post-commit hooks run under it, so they may take
//     Core.mu. A transaction never makes a network call: a pull fetches,
//     decrypts and verifies every page first and applies them in one
//     transaction after the last answer (package syncer). The vault
//     watcher (watch.go), a user of the keys, takes it without waiting
//     (vault.IfChanged) to read what another process committed and mirror
//     it into memory under Core.mu, as a post-commit hook would.
//  3. Core.mu guards the in-memory state: the account row, the keys, the
//     decrypted notes and search index, the API client, the sync engine,
//     the status and the cancel functions of running syncs. Held only for
//     memory reads and writes, never across I/O of any kind.
//  4. Core.keyMu (a keyGuard, not a mutex: it never blocks) counts the users
//     of the keys: a sync, a note write, an export, a rotation. Lock and
//     Logout take the keys out of Core.mu at once and leave their wiping to
//     the last user, so locking never waits for a sync and a sync never
//     sees its keys zeroed under it. Logout waits (under resetMu, holding
//     nothing else) for the users to leave before it empties the vault.
//  5. The token saver's lock guards the newest refreshed pair not yet
//     written; its own goroutine writes it to the vault.
//
// In package apiclient, tokenState.mu guards the tokens and is never held
// across I/O; a refresh runs once at a time on its own goroutine with its
// own deadline (single flight), so a caller that gives up never leaves a
// spent refresh token behind, and OnTokens only hands the new pair to the
// token saver. So persisting a refreshed token never waits for a sync.
//
// Every network call has a deadline (Config.APITimeout per attempt, a
// bounded number of retries) and a context: Lock, Logout and Close cancel
// running syncs, and a cancelled sync returns as soon as its current call
// does, leaving every step it committed in the vault.
package core

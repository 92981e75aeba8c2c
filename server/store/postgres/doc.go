// Package postgres keeps Cipherleaf's server state in PostgreSQL through
// pgx, for servers that outgrow one machine: any number of cipherleafd
// replicas share one database. It implements server.Store with the same
// rules as store/sqlite and passes the same conformance suite
// (store/storetest).
//
// Where SQLite has one writer, PostgreSQL has many, so every write that
// reads before it writes takes the account's row lock first (SELECT … FOR
// NO KEY UPDATE on users, in READ COMMITTED): all writes of one account —
// note compare-and-swaps, sequence numbers, byte counts, the manifest,
// attachment declarations, compaction — are serialized across every
// replica, while different accounts write in parallel. SPEC §7.9 lists
// which lock makes which rule atomic.
package postgres

// Package server holds Cipherleaf's server domain: the types the server
// keeps (accounts, sessions, opaque note blobs, attachments), the errors
// a store returns, and the Store interface the HTTP handlers depend on.
// The technologies live in subpackages: store/sqlite (the default, one
// machine) and store/postgres (shared by replicas), both passing the same
// conformance suite (store/storetest). It never sees a key or a plaintext
// note.
package server

// Package attach keeps a profile's attachments (SPEC §11.6): files sealed
// into the profile's attachments/ folder before anything is sent, markers
// for uploads and releases still owed to the server, and the transfers
// that settle them. Blobs are stored exactly as the server holds them and
// opened (so verified) on every use; plaintext only ever goes to the
// caller's writer or to a temporary file renamed over the destination once
// the whole blob opened.
//
// A Store has no lock of its own: each blob is written once under a fresh
// id, and markers are single files created or removed atomically.
package attach

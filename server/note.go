package server

import (
	"time"

	"cipherleaf.dev/shared/protocol"
)

// Write is one put (Blob set) or delete (Delete true) of a note.
type Write struct {
	ID      string
	BaseRev uint64
	Blob    []byte
	Delete  bool
}

// RowOverhead is what the quota charges for each stored note row on top
// of its blob, tombstones included (SPEC §7.6): ids, revision, sequence and
// index entries. The migration 0006 uses the same number.
const RowOverhead = 128

// ManifestWrite is the manifest compare-and-swap of an atomic batch.
type ManifestWrite struct {
	BaseVersion uint64
	Blob        []byte
}

// BatchOutcome is the result of Batch.
type BatchOutcome struct {
	Results  []protocol.BatchResult
	Applied  bool               // false only for an atomic batch that wrote nothing
	Manifest *protocol.Manifest // the current manifest when an atomic batch was refused
}

// Page is one page of the change feed.
type Page struct {
	Changes  []protocol.Change
	Next     uint64             // seq to ask from for the following page
	More     bool               // whether there is a following page
	Manifest *protocol.Manifest // on the last page, if the version is not 0
}

// PageEnd is what is known once a page has been streamed.
type PageEnd struct {
	Next     uint64
	More     bool
	Manifest *protocol.Manifest
}

// Revision is one kept revision of a note (SPEC §7.8).
type Revision struct {
	Rev    uint64
	Stored time.Time
	Size   int64 // the envelope's length
}

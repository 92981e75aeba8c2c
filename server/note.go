package server

import (
	"bytes"
	"crypto/sha256"
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
// BaseHash, when set (32 bytes), must also be the SHA-256 of the current
// blob (SPEC §7.3, §10.5.1).
type ManifestWrite struct {
	BaseVersion uint64
	BaseHash    []byte
	Blob        []byte
}

// BatchOutcome is the result of Batch.
type BatchOutcome struct {
	Results  []protocol.BatchResult
	Applied  bool               // false only for an atomic batch that wrote nothing
	Manifest *protocol.Manifest // the current manifest when an atomic batch was refused
	// BaseHashChecked: an atomic batch, whose manifest's BaseHash (if
	// any) was compared (SPEC §7.3): set for every atomic batch.
	BaseHashChecked bool
}

// MatchesBase reports whether cur, the current manifest, is the one an
// atomic batch's man was written on: the same version and, with a
// BaseHash, a blob of that hash (version 0 has no blob, so never).
func (man *ManifestWrite) MatchesBase(cur protocol.Manifest) bool {
	if cur.Version != man.BaseVersion {
		return false
	}
	if man.BaseHash == nil {
		return true
	}
	if cur.Version == 0 {
		return false
	}
	h := sha256.Sum256(cur.Blob)
	return bytes.Equal(h[:], man.BaseHash)
}

// Overtook reports whether man, with a BaseHash, is written on the version
// right after cur: the batch before it has not committed yet (SPEC §7.3).
func (man *ManifestWrite) Overtook(cur protocol.Manifest) bool {
	return man.BaseHash != nil && cur.Version+1 == man.BaseVersion
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

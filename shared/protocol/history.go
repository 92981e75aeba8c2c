package protocol

import "time"

// Revision history limits (SPEC §7.8).
const (
	DefaultRevisionLimit = 100
	MaxRevisionLimit     = 1000
)

// RevisionInfo is one revision of a note in GET /notes/{id}/revisions.
type RevisionInfo struct {
	Rev  uint64    `json:"rev"`
	Time time.Time `json:"time"`
	Size int64     `json:"size"`
}

// RevisionsResponse answers GET /notes/{id}/revisions, newest first.
type RevisionsResponse struct {
	Revisions []RevisionInfo `json:"revisions"`
	More      bool           `json:"more"`
}

// RevisionResponse answers GET /notes/{id}/revisions/{rev}.
type RevisionResponse struct {
	ID   string `json:"id"`
	Rev  uint64 `json:"rev"`
	Blob []byte `json:"blob"`
}

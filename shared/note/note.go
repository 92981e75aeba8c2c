// Package note defines the plaintext of a note: the JSON payload that is
// padded and sealed inside an envelope (SPEC §5.2). Only devices ever see it.
package note

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Version is the payload version this package writes.
const Version = 1

// Limits of SPEC §5.2.
const (
	MaxTitleBytes = 1024
	MaxTagBytes   = 128
	MaxTags       = 64
)

var (
	// ErrNewerVersion means the payload was written by a newer Cipherleaf.
	ErrNewerVersion = errors.New("note was written by a newer Cipherleaf")
	// ErrInvalid means the payload breaks the rules of SPEC §5.2.
	ErrInvalid = errors.New("invalid note")
)

// Note is the decrypted content of one note.
type Note struct {
	Title      string
	Body       string
	Tags       []string
	Created    time.Time
	Modified   time.Time
	ConflictOf string // id of the note this is a conflicted copy of

	// extra keeps fields from newer writers so a rewrite preserves them.
	extra map[string]json.RawMessage
}

type wire struct {
	V          int       `json:"v"`
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	Tags       []string  `json:"tags"`
	Created    time.Time `json:"created"`
	Modified   time.Time `json:"modified"`
	ConflictOf string    `json:"conflict_of,omitempty"`
}

var known = map[string]bool{"v": true, "title": true, "body": true, "tags": true, "created": true, "modified": true, "conflict_of": true}

// Validate checks the limits of SPEC §5.2.
func (n *Note) Validate() error {
	if len(n.Title) > MaxTitleBytes {
		return fmt.Errorf("title longer than %d bytes: %w", MaxTitleBytes, ErrInvalid)
	}
	if len(n.Tags) > MaxTags {
		return fmt.Errorf("more than %d tags: %w", MaxTags, ErrInvalid)
	}
	for _, t := range n.Tags {
		if len(t) > MaxTagBytes || t == "" {
			return fmt.Errorf("tag %q empty or longer than %d bytes: %w", t, MaxTagBytes, ErrInvalid)
		}
	}
	if !utf8.ValidString(n.Title) || !utf8.ValidString(n.Body) {
		return fmt.Errorf("not UTF-8: %w", ErrInvalid)
	}
	return nil
}

// Marshal encodes n as the payload JSON, keeping unknown fields it was read with.
func (n *Note) Marshal() ([]byte, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	w := wire{V: Version, Title: n.Title, Body: n.Body, Tags: n.Tags,
		Created: n.Created.UTC(), Modified: n.Modified.UTC(), ConflictOf: n.ConflictOf}
	if w.Tags == nil {
		w.Tags = []string{}
	}
	b, err := json.Marshal(w)
	if err != nil || len(n.extra) == 0 {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range n.extra {
		m[k] = v
	}
	return json.Marshal(m)
}

// Unmarshal decodes a payload. A payload with a newer version fails with
// ErrNewerVersion.
func Unmarshal(data []byte) (*Note, error) {
	var w wire
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("decode note: %w", ErrInvalid)
	}
	if w.V > Version {
		return nil, ErrNewerVersion
	}
	if w.V < 1 {
		return nil, fmt.Errorf("missing version: %w", ErrInvalid)
	}
	n := &Note{Title: w.Title, Body: w.Body, Tags: w.Tags, Created: w.Created, Modified: w.Modified, ConflictOf: w.ConflictOf}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err == nil {
		for k, v := range m {
			if !known[k] {
				if n.extra == nil {
					n.extra = map[string]json.RawMessage{}
				}
				n.extra[k] = v
			}
		}
	}
	return n, nil
}

// Package note defines the plaintext of a note: the JSON payload that is
// padded and sealed inside an envelope (SPEC §5.2). Only devices ever see it.
package note

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"cipherleaf.dev/shared/protocol"
)

// Version is the payload version this package writes.
const Version = 1

// Limits of SPEC §5.2.
const (
	MaxTitleBytes = 1024
	MaxTagBytes   = 128
	MaxTags       = 64
	// MaxSourceBytes bounds an imported note's source (SPEC §13.1).
	MaxSourceBytes = 1024
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
	// Attachments references the note's attached files (SPEC §11.3).
	Attachments []Attachment
	// Source names where an imported note came from (SPEC §13.1), so a
	// second import of the same file skips it; "" for notes written here.
	Source string
	// Kind is "" for a note, KindNotebook for a notebook item (SPEC §12.1).
	Kind string
	// Notebook is the id of the notebook holding this item ("" = root).
	Notebook string
	// TrashedAt is when the note was moved to the trash (zero = not trashed).
	TrashedAt time.Time
	// Device names the device that wrote this revision (SPEC §5.2, §12.4);
	// "" = unknown.
	Device string
	// TrashDays is a settings item's trash retention in days (SPEC §12.5);
	// 0 = absent. Out-of-range values are kept as written: readers apply
	// TrashDaysOr.
	TrashDays int

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
	// Attachments is omitted when empty, so notes without any keep their bytes.
	Attachments []Attachment `json:"attachments,omitempty"`
	Source      string       `json:"source,omitempty"`
	Kind        string       `json:"kind,omitempty"`
	Notebook    string       `json:"notebook,omitempty"`
	TrashedAt   *time.Time   `json:"trashed_at,omitempty"`
	Device      string       `json:"device,omitempty"`
	TrashDays   int          `json:"trash_days,omitempty"`
}

// Kinds of item (SPEC §5.2): KindNote is written as an absent "kind".
const (
	KindNote     = ""
	KindNotebook = "notebook"
	KindSettings = "settings"
)

// Trash retention limits of SPEC §12.3 and §12.5, in days.
const (
	DefaultTrashDays = 30
	MaxTrashDays     = 3650
)

// TrashDaysOr returns n's trash_days when it is within 1-MaxTrashDays,
// else DefaultTrashDays (absent or out of range, SPEC §12.5). A nil n has
// the default.
func (n *Note) TrashDaysOr() int {
	if n == nil || n.TrashDays < 1 || n.TrashDays > MaxTrashDays {
		return DefaultTrashDays
	}
	return n.TrashDays
}

// IsNote reports whether n is a note (not a notebook or an unknown kind).
func (n *Note) IsNote() bool { return n.Kind == KindNote || n.Kind == "note" }

// IsNotebook reports whether n is a notebook item.
func (n *Note) IsNotebook() bool { return n.Kind == KindNotebook }

// IsSettings reports whether n is an account settings item (SPEC §12.5).
func (n *Note) IsSettings() bool { return n.Kind == KindSettings }

// Trashed reports whether n is in the trash.
func (n *Note) Trashed() bool { return !n.TrashedAt.IsZero() }

var known = map[string]bool{"v": true, "title": true, "body": true, "tags": true, "created": true, "modified": true, "conflict_of": true, "attachments": true, "source": true, "kind": true, "notebook": true, "trashed_at": true, "device": true, "trash_days": true}

// Validate checks the rules of SPEC §5.2: limits, non-empty tags, UTF-8
// text and times that RFC 3339 can write in UTC.
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
	if !utf8.ValidString(n.Title) || !utf8.ValidString(n.Body) || !utf8.ValidString(n.ConflictOf) ||
		!utf8.ValidString(n.Source) || len(n.Source) > MaxSourceBytes ||
		!utf8.ValidString(n.Kind) || !utf8.ValidString(n.Notebook) ||
		!utf8.ValidString(n.Device) || len(n.Device) > protocol.MaxDeviceName {
		return fmt.Errorf("not UTF-8: %w", ErrInvalid)
	}
	for _, t := range n.Tags {
		if !utf8.ValidString(t) {
			return fmt.Errorf("tag not UTF-8: %w", ErrInvalid)
		}
	}
	if n.Notebook != "" && !protocol.ValidID(n.Notebook) {
		return fmt.Errorf("notebook %q is not an id: %w", n.Notebook, ErrInvalid)
	}
	if err := validateAttachments(n.Attachments); err != nil {
		return err
	}
	for _, t := range []time.Time{n.Created, n.Modified, n.TrashedAt} {
		if y := t.UTC().Year(); y < 0 || y > 9999 {
			return fmt.Errorf("time %v outside years 0-9999: %w", t, ErrInvalid)
		}
	}
	return nil
}

// Marshal encodes n as the payload JSON, keeping unknown fields it was read with.
func (n *Note) Marshal() ([]byte, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	w := wire{V: Version, Title: n.Title, Body: n.Body, Tags: n.Tags,
		Created: n.Created.UTC(), Modified: n.Modified.UTC(), ConflictOf: n.ConflictOf, Attachments: n.Attachments, Source: n.Source,
		Kind: n.Kind, Notebook: n.Notebook, Device: n.Device, TrashDays: n.TrashDays}
	if n.Trashed() {
		t := n.TrashedAt.UTC()
		w.TrashedAt = &t
	}
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
// ErrNewerVersion. Field names match exactly (JSON is case-sensitive here,
// unlike encoding/json's default), so "Title" is an unknown field, kept
// as such, and never mistaken for "title".
func Unmarshal(data []byte) (*Note, error) {
	if n, ok := unmarshalFast(data); ok {
		return finish(n, nil)
	}
	return unmarshalJSON(data)
}

// unmarshalJSON is Unmarshal through encoding/json: every payload that
// unmarshalFast declines, and the reference FuzzUnmarshalFast checks it
// against.
func unmarshalJSON(data []byte) (*Note, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil || m == nil {
		return nil, fmt.Errorf("decode note: %w", ErrInvalid)
	}
	var v int
	if raw, ok := m["v"]; !ok || json.Unmarshal(raw, &v) != nil {
		return nil, fmt.Errorf("missing version: %w", ErrInvalid)
	}
	if v > Version {
		return nil, ErrNewerVersion
	}
	if v < 1 {
		return nil, fmt.Errorf("version %d: %w", v, ErrInvalid)
	}
	n := &Note{}
	fields := []struct {
		name string
		dst  any
	}{
		{"title", &n.Title},
		{"body", &n.Body},
		{"tags", &n.Tags},
		{"created", &n.Created},
		{"modified", &n.Modified},
		{"conflict_of", &n.ConflictOf},
		{"attachments", &n.Attachments},
		{"source", &n.Source},
		{"kind", &n.Kind},
		{"notebook", &n.Notebook},
		{"trashed_at", &n.TrashedAt},
		{"device", &n.Device},
		{"trash_days", &n.TrashDays},
	}
	for _, f := range fields {
		raw, ok := m[f.name]
		if !ok {
			continue
		}
		if err := decodeField(raw, f.dst); err != nil {
			return nil, fmt.Errorf("decode note field %s: %w", f.name, ErrInvalid)
		}
	}
	return finish(n, m)
}

// finish ends both decoders alike: no attachments is nil, the rules of
// SPEC §5.2 hold, and the members of m this version does not know are kept.
func finish(n *Note, m map[string]json.RawMessage) (*Note, error) {
	if len(n.Attachments) == 0 {
		n.Attachments = nil // an empty list and none are the same
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	for k, raw := range m {
		if !known[k] {
			if n.extra == nil {
				n.extra = map[string]json.RawMessage{}
			}
			n.extra[k] = raw
		}
	}
	return n, nil
}

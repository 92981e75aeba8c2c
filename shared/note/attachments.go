package note

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"cipherleaf.dev/shared/protocol"
)

// Attachment is one entry of a note's attachments list (SPEC §11.3): all a
// device needs to fetch, open and show one attached file.
type Attachment struct {
	ID     string `json:"id"`     // UUID of the blob on the server
	Name   string `json:"name"`   // as the user picked it, 1-255 bytes
	Type   string `json:"type"`   // media type
	Size   int64  `json:"size"`   // exact content bytes
	Chunks int64  `json:"chunks"` // chunk count for Size (SPEC §11.2)
	SHA256 string `json:"sha256"` // hex SHA-256 of the content
	Key    []byte `json:"key"`    // the attachment key K_a, 32 bytes (base64 on the wire)
}

// validate checks one entry against SPEC §11.3.
func (a *Attachment) validate() error {
	switch {
	case !protocol.ValidID(a.ID):
		return fmt.Errorf("attachment id %q: %w", a.ID, ErrInvalid)
	case a.Name == "" || len(a.Name) > protocol.MaxAttachmentName || !utf8.ValidString(a.Name):
		return fmt.Errorf("attachment name: %w", ErrInvalid)
	case len(a.Type) > protocol.MaxAttachmentName || !utf8.ValidString(a.Type):
		return fmt.Errorf("attachment type: %w", ErrInvalid)
	case a.Size < 0 || a.Size > protocol.MaxAttachmentFormat:
		return fmt.Errorf("attachment size %d: %w", a.Size, ErrInvalid)
	case len(a.Key) != 32:
		return fmt.Errorf("attachment key: %w", ErrInvalid)
	case !lowerHex64(a.SHA256):
		return fmt.Errorf("attachment hash: %w", ErrInvalid)
	}
	if _, n := protocol.AttachmentPadded(a.Size); n != a.Chunks {
		return fmt.Errorf("attachment chunk count %d for %d bytes: %w", a.Chunks, a.Size, ErrInvalid)
	}
	return nil
}

func lowerHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func validateAttachments(list []Attachment) error {
	if len(list) > protocol.MaxAttachments {
		return fmt.Errorf("more than %d attachments: %w", protocol.MaxAttachments, ErrInvalid)
	}
	seen := make(map[string]bool, len(list))
	for i := range list {
		if err := list[i].validate(); err != nil {
			return err
		}
		if seen[list[i].ID] {
			return fmt.Errorf("attachment %s listed twice: %w", list[i].ID, ErrInvalid)
		}
		seen[list[i].ID] = true
	}
	return nil
}

// FindAttachment returns the entry with id, or false.
func (n *Note) FindAttachment(id string) (Attachment, bool) {
	i := slices.IndexFunc(n.Attachments, func(a Attachment) bool { return a.ID == id })
	if i < 0 {
		return Attachment{}, false
	}
	return n.Attachments[i], true
}

// CloneAttachments returns a deep copy of the list.
func CloneAttachments(list []Attachment) []Attachment {
	if list == nil {
		return nil
	}
	out := make([]Attachment, len(list))
	for i, a := range list {
		a.Key = slices.Clone(a.Key)
		out[i] = a
	}
	return out
}

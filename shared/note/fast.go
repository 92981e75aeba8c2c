package note

import (
	"time"

	"cipherleaf.dev/shared/internal/jsonscan"
)

// unmarshalFast decodes the payloads Marshal writes in one pass, without
// encoding/json's reflection, its validity pre-scan and its map of raw
// members: decoding each note's payload was the largest part of a pull's
// client CPU after the first fast path (decodeField).
//
// It takes only this shape: one object whose keys are spelled exactly as
// Marshal writes them, without escapes, each at most once; "v" as plain
// digits from 1 to Version; the text members as string literals; the
// times as string literals for time.Time.UnmarshalJSON; "tags" as an
// array of string literals. Any other member (attachments, a newer
// writer's fields), any null, number form or duplicate, and anything that
// does not parse, makes it report false, and Unmarshal decodes with
// encoding/json, so every error and odd corner keeps its meaning there.
// Strings are unquoted by jsonscan.Unquote, as decodeField does.
// FuzzUnmarshalFast checks that whatever it accepts, unmarshalJSON
// decodes to the same note.
func unmarshalFast(data []byte) (*Note, bool) {
	s := jsonscan.New(data)
	n := &Note{}
	var seen jsonscan.Seen
	var v uint64
	ok := s.Object(func(key []byte) bool {
		bit, ok := fastFields[string(key)]
		if !ok || !seen.Once(bit) {
			return false
		}
		switch string(key) {
		case "v":
			return s.Uint(&v) && v >= 1 && v <= Version
		case "title":
			return s.String(&n.Title)
		case "body":
			return s.String(&n.Body)
		case "conflict_of":
			return s.String(&n.ConflictOf)
		case "source":
			return s.String(&n.Source)
		case "kind":
			return s.String(&n.Kind)
		case "notebook":
			return s.String(&n.Notebook)
		case "device":
			return s.String(&n.Device)
		case "created":
			return fastTime(&s, &n.Created)
		case "modified":
			return fastTime(&s, &n.Modified)
		case "trashed_at":
			return fastTime(&s, &n.TrashedAt)
		case "tags":
			n.Tags = []string{}
			return s.Array(func() bool {
				n.Tags = append(n.Tags, "")
				return s.String(&n.Tags[len(n.Tags)-1])
			})
		}
		return false
	})
	if !ok || !s.End() || v == 0 {
		return nil, false
	}
	return n, true
}

// fastFields are the members unmarshalFast takes, each with its bit.
var fastFields = map[string]jsonscan.Seen{
	"v": 1 << 0, "title": 1 << 1, "body": 1 << 2, "tags": 1 << 3, "created": 1 << 4, "modified": 1 << 5,
	"conflict_of": 1 << 6, "source": 1 << 7, "kind": 1 << 8, "notebook": 1 << 9, "trashed_at": 1 << 10, "device": 1 << 11,
}

// fastTime reads a string literal as time.Time.UnmarshalJSON does.
func fastTime(s *jsonscan.Scanner, dst *time.Time) bool {
	lit, ok := s.Literal()
	return ok && dst.UnmarshalJSON(lit) == nil
}

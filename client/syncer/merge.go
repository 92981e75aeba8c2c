package syncer

import (
	"slices"

	"cipherleaf.dev/shared/note"
)

// MergeFunc merges two versions of a note against their common base; ok is
// false when the edits overlap.
type MergeFunc func(base, ours, theirs *note.Note) (merged *note.Note, ok bool)

// MergeFields is a whole-field three-way merge: a field changed on one side
// only takes that side; a field changed on both sides to different values is
// an overlap. The client uses a line-level merge; this is the fallback.
func MergeFields(base, ours, theirs *note.Note) (*note.Note, bool) {
	out := *theirs
	ok := true
	pick := func(b, o, t string) string {
		switch {
		case o == t || o == b:
			return t
		case t == b:
			return o
		}
		ok = false
		return t
	}
	out.Title = pick(base.Title, ours.Title, theirs.Title)
	out.Body = pick(base.Body, ours.Body, theirs.Body)
	switch {
	case slices.Equal(ours.Tags, theirs.Tags) || slices.Equal(ours.Tags, base.Tags):
		out.Tags = theirs.Tags
	case slices.Equal(theirs.Tags, base.Tags):
		out.Tags = ours.Tags
	default:
		ok = false
	}
	if ours.Modified.After(theirs.Modified) {
		out.Modified = ours.Modified
	}
	return &out, ok
}

package merge

import (
	"slices"
	"time"

	"cipherleaf.dev/shared/note"
)

// Note merges two edited versions of a note against their common base.
//
// The title is merged as a single line: if both sides changed it
// differently the merge conflicts. The body is merged with Text. Tags are
// merged as a set: a tag added on either side is kept, a tag removed on
// either side is removed; ours' order comes first. Attachments merge the
// same way, by id. ConflictOf is merged
// like the title. Created is base's and Modified the later of the two
// sides. Fields from newer writers that this version does not know are
// carried over from ours.
//
// A nil base is treated as an empty note created at the earlier of the two
// sides' Created times. ok is false on any conflict, when ours or theirs is
// nil, and when the merged note would break the limits of note.Validate.
func Note(base, ours, theirs *note.Note) (merged *note.Note, ok bool) {
	if ours == nil || theirs == nil {
		return nil, false
	}
	if base == nil {
		created := ours.Created
		if theirs.Created.Before(created) {
			created = theirs.Created
		}
		base = &note.Note{Created: created}
	}
	m := *ours // copies the unknown fields ours was read with
	if m.Source == "" {
		m.Source = theirs.Source // an import's source is never lost
	}
	if ours.IsNotebook() && theirs.IsNotebook() {
		// A notebook's name never makes a conflicted copy (SPEC §12.2 rule 4).
		m.Title = place(base.Title, ours.Title, theirs.Title, later(ours, theirs))
	} else if m.Title, ok = line(base.Title, ours.Title, theirs.Title); !ok {
		return nil, false
	}
	if m.ConflictOf, ok = line(base.ConflictOf, ours.ConflictOf, theirs.ConflictOf); !ok {
		return nil, false
	}
	if m.Body, ok = Text(base.Body, ours.Body, theirs.Body); !ok {
		return nil, false
	}
	if m.Kind, ok = line(base.Kind, ours.Kind, theirs.Kind); !ok {
		return nil, false
	}
	oursLater := later(ours, theirs)
	m.Notebook = place(base.Notebook, ours.Notebook, theirs.Notebook, oursLater)
	m.TrashedAt = trashedAt(base.TrashedAt, ours.TrashedAt, theirs.TrashedAt, oursLater)
	m.TrashDays = single(base.TrashDays, ours.TrashDays, theirs.TrashDays, oursLater)
	m.Tags = tags(base.Tags, ours.Tags, theirs.Tags)
	m.Attachments = attachments(base.Attachments, ours.Attachments, theirs.Attachments)
	m.Created = base.Created
	m.Modified = ours.Modified
	if theirs.Modified.After(m.Modified) {
		m.Modified = theirs.Modified
	}
	if m.Validate() != nil {
		return nil, false
	}
	return &m, true
}

// later compares the sides' modified times (> 0: ours is later), which
// settles two different changes of a single value (SPEC §12.2 rule 4).
func later(ours, theirs *note.Note) int {
	return ours.Modified.Compare(theirs.Modified)
}

// place merges the notebook field: one side's change wins over an
// unchanged side; two different changes go to the later side, and on equal
// times to the byte-wise greater value. It never conflicts.
func place(base, ours, theirs string, oursLater int) string {
	if v, ok := line(base, ours, theirs); ok {
		return v
	}
	switch {
	case oursLater > 0:
		return ours
	case oursLater < 0:
		return theirs
	case ours > theirs:
		return ours
	}
	return theirs
}

// trashedAt merges trashed_at like place, a zero time being "".
func trashedAt(base, ours, theirs time.Time, oursLater int) time.Time {
	text := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	switch place(text(base), text(ours), text(theirs), oursLater) {
	case text(ours):
		return ours
	case text(theirs):
		return theirs
	}
	return base
}

// single merges a settings value (SPEC §12.5 conflict 2) like place: one
// side's change wins over an unchanged side; two different changes go to
// the later side, and on equal times to the greater number (absent = 0).
func single(base, ours, theirs, oursLater int) int {
	switch {
	case ours == theirs, theirs == base:
		return ours
	case ours == base:
		return theirs
	case oursLater > 0:
		return ours
	case oursLater < 0:
		return theirs
	}
	return max(ours, theirs)
}

// line merges a value that is either kept or replaced whole.
func line(base, ours, theirs string) (string, bool) {
	switch {
	case ours == theirs, theirs == base:
		return ours, true
	case ours == base:
		return theirs, true
	}
	return "", false
}

// tags merges tag sets: a tag is in the result when it is on both sides, or
// when it is on one side and was not in base. Duplicates are dropped; ours'
// order comes first, then theirs' additions.
func tags(base, ours, theirs []string) []string {
	out := []string{}
	seen := make(map[string]bool)
	add := func(t string, other []string) {
		if seen[t] {
			return
		}
		if slices.Contains(other, t) || !slices.Contains(base, t) {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, t := range ours {
		add(t, theirs)
	}
	for _, t := range theirs {
		add(t, ours)
	}
	return out
}

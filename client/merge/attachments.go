package merge

import (
	"slices"

	"cipherleaf.dev/shared/note"
)

// attachments merges attachment lists by id like tags (SPEC §11.3): an
// attachment on both sides, or added on one side, is kept; one removed on
// either side is removed. Entries are immutable (an id names one blob and
// key), so there is nothing to merge inside one. Ours' order comes first.
func attachments(base, ours, theirs []note.Attachment) []note.Attachment {
	has := func(list []note.Attachment, id string) bool {
		return slices.ContainsFunc(list, func(a note.Attachment) bool { return a.ID == id })
	}
	var out []note.Attachment
	seen := make(map[string]bool)
	add := func(a note.Attachment, other []note.Attachment) {
		if seen[a.ID] {
			return
		}
		if has(other, a.ID) || !has(base, a.ID) {
			seen[a.ID] = true
			out = append(out, a)
		}
	}
	for _, a := range ours {
		add(a, theirs)
	}
	for _, a := range theirs {
		add(a, ours)
	}
	return note.CloneAttachments(out)
}

package merge

import (
	"slices"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// hunk replaces the base lines [start, end) with lines. An insertion has
// start == end.
type hunk struct {
	start, end int
	lines      []string
}

// hunks returns the edits that turn base into side, in base order, or
// ok=false when the diff cannot be computed or does not check out.
func hunks(dmp *diffmatchpatch.DiffMatchPatch, coder *lineCoder, base []string, baseRunes []rune, side []string) (hs []hunk, ok bool) {
	sideRunes, ok := coder.encode(side)
	if !ok {
		return nil, false
	}
	diffs := dmp.DiffMainRunes(baseRunes, sideRunes, false)

	// Walk the edit script, checking it against both texts as we go: a
	// script that does not reproduce base and side exactly is refused.
	bi, si := 0, 0
	var cur *hunk
	flush := func() {
		if cur != nil {
			hs = append(hs, *cur)
			cur = nil
		}
	}
	for _, d := range diffs {
		n := utf8.RuneCountInString(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			if bi+n > len(base) || si+n > len(side) || !slices.Equal(base[bi:bi+n], side[si:si+n]) {
				return nil, false
			}
			flush()
			bi += n
			si += n
		case diffmatchpatch.DiffDelete:
			if bi+n > len(base) || !runesMatch(d.Text, baseRunes[bi:bi+n]) {
				return nil, false
			}
			if cur == nil {
				cur = &hunk{start: bi, end: bi}
			}
			bi += n
			cur.end = bi
		case diffmatchpatch.DiffInsert:
			if si+n > len(side) || !runesMatch(d.Text, sideRunes[si:si+n]) {
				return nil, false
			}
			if cur == nil {
				cur = &hunk{start: bi, end: bi}
			}
			cur.lines = append(cur.lines, side[si:si+n]...)
			si += n
		}
	}
	flush()
	if bi != len(base) || si != len(side) {
		return nil, false
	}
	return hs, true
}

func runesMatch(s string, rs []rune) bool {
	i := 0
	for _, r := range s {
		if i >= len(rs) || rs[i] != r {
			return false
		}
		i++
	}
	return i == len(rs)
}

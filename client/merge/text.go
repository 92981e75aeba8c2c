package merge

import (
	"slices"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Text merges the edits that turned base into ours and into theirs. It
// returns ok=false, and merged="", when the edits conflict.
//
// Both sides are diffed against base by whole lines (line terminators,
// including "\r\n", are part of a line). Edits that neither overlap nor
// touch are combined. Edits that overlap or touch conflict, unless the
// two sides produce the same text over the overlapping stretch (the same
// change made twice). Two different insertions at the same place — for
// example both sides appending different text at the end — conflict.
func Text(base, ours, theirs string) (merged string, ok bool) {
	switch {
	case ours == theirs:
		return ours, true
	case ours == base:
		return theirs, true
	case theirs == base:
		return ours, true
	}
	return merge3(base, ours, theirs)
}

// merge3 is Text without the shortcuts for unchanged sides.
func merge3(base, ours, theirs string) (merged string, ok bool) {
	b, o, t := splitLines(base), splitLines(ours), splitLines(theirs)
	coder := newLineCoder()
	br, ok := coder.encode(b)
	if !ok {
		return "", false
	}
	dmp := diffmatchpatch.New()
	oh, ok := hunks(dmp, coder, b, br, o)
	if !ok {
		return "", false
	}
	th, ok := hunks(dmp, coder, b, br, t)
	if !ok {
		return "", false
	}
	out, ok := combine(b, oh, th)
	if !ok {
		return "", false
	}
	return strings.Join(out, ""), true
}

// combine applies both sides' hunks to base. Hunks are grouped into
// clusters whose base ranges overlap or touch; a cluster with hunks from
// one side only is applied as is, a cluster with hunks from both sides is
// accepted only when both sides give it the same text.
func combine(base []string, ours, theirs []hunk) ([]string, bool) {
	var out []string
	pos := 0 // next base line not yet copied
	i, j := 0, 0
	for i < len(ours) || j < len(theirs) {
		// Start a cluster with whichever hunk comes first.
		lo := 0
		switch {
		case j >= len(theirs) || (i < len(ours) && ours[i].start <= theirs[j].start):
			lo = ours[i].start
		default:
			lo = theirs[j].start
		}
		hi := lo
		oi, ti := i, j
		// Grow it while a hunk of either side starts at or before its end.
		for {
			grew := false
			if i < len(ours) && ours[i].start <= hi {
				hi = max(hi, ours[i].end)
				i++
				grew = true
			}
			if j < len(theirs) && theirs[j].start <= hi {
				hi = max(hi, theirs[j].end)
				j++
				grew = true
			}
			if !grew {
				break
			}
		}
		out = append(out, base[pos:lo]...)
		pos = hi
		switch {
		case ti == j: // ours only
			out = apply(out, base, lo, hi, ours[oi:i])
		case oi == i: // theirs only
			out = apply(out, base, lo, hi, theirs[ti:j])
		default:
			a := apply(nil, base, lo, hi, ours[oi:i])
			b := apply(nil, base, lo, hi, theirs[ti:j])
			if !slices.Equal(a, b) {
				return nil, false
			}
			out = append(out, a...)
		}
	}
	return append(out, base[pos:]...), true
}

// apply appends base[lo:hi] with hs (which lie inside it) applied.
func apply(out, base []string, lo, hi int, hs []hunk) []string {
	pos := lo
	for _, h := range hs {
		out = append(out, base[pos:h.start]...)
		out = append(out, h.lines...)
		pos = h.end
	}
	return append(out, base[pos:hi]...)
}

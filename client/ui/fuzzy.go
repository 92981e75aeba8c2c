package ui

import (
	"sort"
	"strings"
	"unicode"
)

// fuzzyScore reports whether every rune of query appears in title in order
// (ignoring case and spaces in the query) and how good the match is:
// runes that follow each other, start a word or start the title score more,
// gaps score less. An empty query matches everything with score 0.
func fuzzyScore(query, title string) (int, bool) {
	q := []rune(strings.ToLower(strings.Join(strings.Fields(query), "")))
	if len(q) == 0 {
		return 0, true
	}
	t := []rune(strings.ToLower(title))
	orig := []rune(title)
	score, qi, last := 0, 0, -1
	for ti := 0; ti < len(t) && qi < len(q); ti++ {
		if t[ti] != q[qi] {
			continue
		}
		s := 1
		switch {
		case ti == 0:
			s += 8
		case !isWordRune(orig[ti-1]):
			s += 6
		case unicode.IsUpper(orig[ti]) && unicode.IsLower(orig[ti-1]):
			s += 4
		}
		if last >= 0 {
			if ti == last+1 {
				s += 5
			} else {
				s -= min(ti-last-1, 3)
			}
		}
		score += s
		last = ti
		qi++
	}
	if qi < len(q) {
		return 0, false
	}
	return score, true
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// fuzzyMatch is one title that matched, with its position in the input.
type fuzzyMatch struct {
	index int
	score int
}

// fuzzyRank returns the indexes of titles matching query, best first; ties
// keep the input order (the list's most recently modified first).
func fuzzyRank(query string, titles []string) []int {
	var ms []fuzzyMatch
	for i, t := range titles {
		if s, ok := fuzzyScore(query, t); ok {
			ms = append(ms, fuzzyMatch{i, s})
		}
	}
	sort.SliceStable(ms, func(a, b int) bool { return ms[a].score > ms[b].score })
	out := make([]int, len(ms))
	for i, m := range ms {
		out[i] = m.index
	}
	return out
}

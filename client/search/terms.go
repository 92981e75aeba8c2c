package search

import (
	"slices"
	"strings"
)

// terms is the dictionary of folded words (and tags) the index has seen,
// each with a dense id, and a sorted list of them for prefix lookups.
type terms struct {
	ids      map[string]uint32
	words    []string // by id
	sorted   []uint32 // ids ordered by word
	unsorted []uint32 // ids added since sorted was last brought up to date
}

func (t *terms) reset() {
	*t = terms{ids: make(map[string]uint32)}
}

// lookup returns the id of w.
func (t *terms) lookup(w string) (uint32, bool) {
	id, ok := t.ids[w]
	return id, ok
}

// intern returns the id of w, adding it if it is new.
func (t *terms) intern(s string) (id uint32, added bool) {
	if id, ok := t.ids[s]; ok {
		return id, false
	}
	id = uint32(len(t.words))
	t.words = append(t.words, s)
	t.ids[s] = id
	t.unsorted = append(t.unsorted, id)
	return id, true
}

// needSort reports whether prefix lookups need sort first.
func (t *terms) needSort() bool { return len(t.unsorted) > 0 }

// sort merges the ids added since the last sort into the sorted list.
func (t *terms) sort() {
	if len(t.unsorted) == 0 {
		return
	}
	byWord := func(a, b uint32) int { return strings.Compare(t.words[a], t.words[b]) }
	slices.SortFunc(t.unsorted, byWord)
	merged := make([]uint32, 0, len(t.sorted)+len(t.unsorted))
	a, b := t.sorted, t.unsorted
	for len(a) > 0 && len(b) > 0 {
		if byWord(a[0], b[0]) <= 0 {
			merged, a = append(merged, a[0]), a[1:]
		} else {
			merged, b = append(merged, b[0]), b[1:]
		}
	}
	merged = append(append(merged, a...), b...)
	t.sorted, t.unsorted = merged, nil
}

// withPrefix calls fn with the id of every word that starts with p. The
// list must be sorted.
func (t *terms) withPrefix(p string, fn func(id uint32)) {
	i, _ := slices.BinarySearchFunc(t.sorted, p, func(id uint32, p string) int {
		return strings.Compare(t.words[id], p)
	})
	for ; i < len(t.sorted) && strings.HasPrefix(t.words[t.sorted[i]], p); i++ {
		fn(t.sorted[i])
	}
}

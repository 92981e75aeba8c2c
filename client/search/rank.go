package search

import (
	"slices"
	"strings"
)

// hit is a note that matched every clause so far.
type hit struct {
	slot        uint32
	title, tags uint8 // clauses found in the title, in the tags
}

// Query returns the ids of the notes that match q, best first: most query
// terms in the title, then most in the tags, then most recently modified.
// limit <= 0 returns all matches. See the package documentation for the
// query syntax.
func (ix *Index) Query(q string, limit int) []string {
	cs := parse(q)
	ix.mu.RLock()
	for ix.terms.needSort() {
		// Bring the prefix list up to date; that needs the write lock.
		ix.mu.RUnlock()
		ix.mu.Lock()
		ix.terms.sort()
		ix.mu.Unlock()
		ix.mu.RLock()
	}
	defer ix.mu.RUnlock()

	var hits []hit
	if len(cs) == 0 {
		hits = make([]hit, 0, len(ix.byID))
		for n := range ix.slots {
			if ix.slots[n].alive {
				hits = append(hits, hit{slot: uint32(n)})
			}
		}
	} else {
		hits = ix.match(cs)
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.title != b.title {
			return int(b.title) - int(a.title)
		}
		if a.tags != b.tags {
			return int(b.tags) - int(a.tags)
		}
		sa, sb := &ix.slots[a.slot], &ix.slots[b.slot]
		if c := sb.modified.Compare(sa.modified); c != 0 {
			return c
		}
		return strings.Compare(sa.id, sb.id)
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = ix.slots[h.slot].id
	}
	return ids
}

// match returns the live notes that match every clause, with the counts
// used for ranking.
func (ix *Index) match(cs []clause) []hit {
	found := make([]uint8, len(ix.slots)) // slot → fields the clause was found in
	var hits []hit
	for i, c := range cs {
		var touched []uint32
		ix.eval(c, func(slot uint32, f uint8) {
			if found[slot] == 0 {
				touched = append(touched, slot)
			}
			found[slot] |= f
		})
		if i == 0 {
			hits = make([]hit, 0, len(touched))
			for _, n := range touched {
				if ix.slots[n].alive {
					hits = append(hits, hit{slot: n})
				}
			}
		}
		kept := hits[:0]
		for _, h := range hits {
			f := found[h.slot]
			if f == 0 {
				continue
			}
			if f&inTitle != 0 {
				h.title++
			}
			if f&inTag != 0 {
				h.tags++
			}
			kept = append(kept, h)
		}
		hits = kept
		for _, n := range touched {
			found[n] = 0
		}
		if len(hits) == 0 {
			return nil
		}
	}
	return hits
}

// eval calls fn for every slot where c matches, with the fields it matched
// in. A slot may be reported more than once.
func (ix *Index) eval(c clause, fn func(slot uint32, f uint8)) {
	each := func(id uint32) {
		for _, p := range ix.post[id] {
			fn(p>>fieldBits, uint8(p&(1<<fieldBits-1)))
		}
	}
	switch c.kind {
	case kindWord:
		if id, ok := ix.terms.lookup(c.words[0]); ok {
			each(id)
		}
	case kindPrefix:
		ix.terms.withPrefix(c.words[0], each)
	case kindTag:
		if id, ok := ix.terms.lookup(tagPrefix + c.words[0]); ok {
			each(id)
		}
	case kindPhrase:
		ix.evalPhrase(c.words, fn)
	}
}

// evalPhrase finds the slots where words occur one after the other in the
// title, in one tag or in the body.
func (ix *Index) evalPhrase(words []string, fn func(slot uint32, f uint8)) {
	seq := make([]uint32, len(words))
	rarest := -1
	for i, w := range words {
		id, ok := ix.terms.lookup(w)
		if !ok {
			return
		}
		seq[i] = id
		if rarest < 0 || len(ix.post[id]) < len(ix.post[seq[rarest]]) {
			rarest = i
		}
	}
	for _, p := range ix.post[seq[rarest]] {
		n := p >> fieldBits
		s := &ix.slots[n]
		if !s.alive {
			continue
		}
		var f uint8
		if p&inTitle != 0 && containsRun(s.title, seq) {
			f |= inTitle
		}
		if p&inTag != 0 {
			for _, t := range s.tags {
				if containsRun(t, seq) {
					f |= inTag
					break
				}
			}
		}
		if p&inBody != 0 && containsRun(s.body, seq) {
			f |= inBody
		}
		if f != 0 {
			fn(n, f)
		}
	}
}

// containsRun reports whether run occurs in seq as consecutive elements.
func containsRun(seq, run []uint32) bool {
	for i := 0; i+len(run) <= len(seq); i++ {
		if seq[i] == run[0] && slices.Equal(seq[i+1:i+len(run)], run[1:]) {
			return true
		}
	}
	return false
}

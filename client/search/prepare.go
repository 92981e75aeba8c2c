package search

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
)

// Prepared is a document folded and split into words by Prepare, ready to
// be inserted by PutPrepared. It holds no reference to any Index, so it can
// be made ahead of time and dropped unused.
type Prepared struct {
	id       string
	modified time.Time
	words    []string // distinct folded words, and whole tags (tagPrefix + words), sharing one string
	fields   []uint8  // by word: the fields it was found in
	// seq is the title, the body, then each non-empty tag, as indexes into
	// words; titleEnd, bodyEnd and tagEnds mark where each part ends.
	seq               []uint32
	titleEnd, bodyEnd int
	tagEnds           []int
	tagTerms          []uint32 // index into words of each whole tag
}

// preparers recycles the scratch space of Prepare: folding non-ASCII text
// needs a transformer that is costly to build per call.
var preparers = sync.Pool{New: func() any { return &preparer{seed: rand.Uint64()} }}

// preparer is the scratch space of one Prepare call. Distinct words are
// kept end to end in text and found again through a small open-addressing
// table, so that a note costs a few allocations however many words it has.
type preparer struct {
	tk     tokenizer
	seed   uint64
	text   []byte   // distinct words, end to end
	ends   []int    // by word: where it ends in text
	hashes []uint64 // by word
	fields []uint8  // by word
	table  []uint32 // word index + 1 by hash; 0 is empty
	seq    []uint32
	tag    []byte
}

// Prepare folds and splits d into the words an Index stores. It takes no
// lock and touches no index, so it is safe to call concurrently, early
// (while the note's visibility is still undecided) or never followed by
// PutPrepared.
func Prepare(d Doc) Prepared {
	pr := preparers.Get().(*preparer)
	defer preparers.Put(pr)
	return pr.prepare(d)
}

// word returns the index of w among the distinct words, adding it if new,
// and records that it was found in field f.
func (pr *preparer) word(w []byte, f uint8) uint32 {
	h := pr.hash(w)
	mask := uint64(len(pr.table) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		k := pr.table[i]
		if k == 0 {
			id := uint32(len(pr.ends))
			pr.table[i] = id + 1
			pr.text = append(pr.text, w...)
			pr.ends = append(pr.ends, len(pr.text))
			pr.hashes = append(pr.hashes, h)
			pr.fields = append(pr.fields, f)
			if 2*len(pr.ends) > len(pr.table) {
				pr.grow()
			}
			return id
		}
		id := k - 1
		if pr.hashes[id] == h && string(pr.at(id)) == string(w) {
			pr.fields[id] |= f
			return id
		}
	}
}

// hash mixes w eight bytes at a time from the preparer's random seed
// (words are short: most take one multiplication), its length mixed in so
// that trailing zero bytes count, and folds the high bits into the low
// ones the table uses. It is inlined, unlike maphash.
func (pr *preparer) hash(w []byte) uint64 {
	h := pr.seed ^ uint64(len(w))*0x9e3779b97f4a7c15
	for len(w) >= 8 {
		h = (h ^ binary.LittleEndian.Uint64(w)) * 0xbf58476d1ce4e5b9
		h ^= h >> 31
		w = w[8:]
	}
	var v uint64
	for i, c := range w {
		v |= uint64(c) << (8 * i)
	}
	h = (h ^ v) * 0x94d049bb133111eb
	return h ^ h>>29
}

func (pr *preparer) at(id uint32) []byte {
	start := 0
	if id > 0 {
		start = pr.ends[id-1]
	}
	return pr.text[start:pr.ends[id]]
}

// grow doubles the table and places every word again.
func (pr *preparer) grow() {
	pr.table = make([]uint32, 2*len(pr.table))
	mask := uint64(len(pr.table) - 1)
	for id, h := range pr.hashes {
		i := h & mask
		for pr.table[i] != 0 {
			i = (i + 1) & mask
		}
		pr.table[i] = uint32(id) + 1
	}
}

func (pr *preparer) prepare(d Doc) Prepared {
	if len(pr.table) == 0 || len(pr.table) > 4096 {
		pr.table = make([]uint32, 256) // do not keep a huge note's table
	} else {
		clear(pr.table)
	}
	pr.text, pr.ends, pr.hashes, pr.fields, pr.seq = pr.text[:0], pr.ends[:0], pr.hashes[:0], pr.fields[:0], pr.seq[:0]
	split := func(text string, f uint8) {
		pr.tk.each(text, func(w []byte) { pr.seq = append(pr.seq, pr.word(w, f)) })
	}
	p := Prepared{id: d.ID, modified: d.Modified}
	split(d.Title, inTitle)
	p.titleEnd = len(pr.seq)
	split(d.Body, inBody)
	p.bodyEnd = len(pr.seq)
	for _, tag := range d.Tags {
		start := len(pr.seq)
		split(tag, inTag)
		if len(pr.seq) == start {
			continue
		}
		p.tagEnds = append(p.tagEnds, len(pr.seq))
		whole := append(pr.tag[:0], tagPrefix...)
		for i, w := range pr.seq[start:] {
			if i > 0 {
				whole = append(whole, ' ')
			}
			whole = append(whole, pr.at(w)...)
		}
		pr.tag = whole
		p.tagTerms = append(p.tagTerms, pr.word(whole, inTag))
	}
	text := string(pr.text)
	p.words = make([]string, len(pr.ends))
	start := 0
	for i, end := range pr.ends {
		p.words[i] = text[start:end]
		start = end
	}
	p.fields = slices.Clone(pr.fields)
	p.seq = slices.Clone(pr.seq)
	return p
}

// PutPrepared indexes a batch of prepared documents under one lock, each
// replacing any document with the same ID, in order.
func (ix *Index) PutPrepared(ps ...Prepared) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.reserve(len(ps))
	for i := range ps {
		ix.put(&ps[i])
	}
	ix.compactIfSparse()
}

// reserve makes room for n more documents at once: a first pull puts
// thousands, and growing the slots and the id map step by step would copy
// and rehash them again and again. The map can only be made anew, which
// is free while it is empty.
func (ix *Index) reserve(n int) {
	if n < 64 {
		return
	}
	ix.slots = slices.Grow(ix.slots, n)
	if len(ix.byID) == 0 {
		ix.byID = make(map[string]uint32, n)
	}
}

// put indexes p; the caller holds the write lock.
func (ix *Index) put(p *Prepared) {
	ix.kill(p.id)
	ids := ix.ids[:0]
	for _, w := range p.words {
		id, ok := ix.terms.lookup(w)
		if !ok {
			// A copy, so that the dictionary does not pin the whole text of p.
			id = ix.intern(strings.Clone(w))
		}
		ids = append(ids, id)
	}
	ix.ids = ids
	// One array holds every term sequence of the slot; each part is capped
	// so that no append can spill into the next.
	all := make([]uint32, len(p.seq)+len(p.tagTerms))
	for i, w := range p.seq {
		all[i] = ids[w]
	}
	for i, w := range p.tagTerms {
		all[len(p.seq)+i] = ids[w]
	}
	part := func(start, end int) []uint32 {
		if start == end {
			return nil
		}
		return all[start:end:end]
	}
	s := slot{id: p.id, modified: p.modified, alive: true}
	s.title = part(0, p.titleEnd)
	s.body = part(p.titleEnd, p.bodyEnd)
	if len(p.tagEnds) > 0 {
		s.tags = make([][]uint32, len(p.tagEnds))
		start := p.bodyEnd
		for i, end := range p.tagEnds {
			s.tags[i] = part(start, end)
			start = end
		}
	}
	s.tagTerms = part(len(p.seq), len(all))
	n := uint32(len(ix.slots))
	ix.slots = append(ix.slots, s)
	ix.byID[p.id] = n
	// Words are distinct within p, so each gets one posting for this slot.
	for i, id := range ids {
		ix.post[id] = append(ix.post[id], n<<fieldBits|uint32(p.fields[i]))
	}
}

package search

import (
	"sync"
	"time"
)

// Doc is the searchable part of a decrypted note.
type Doc struct {
	ID, Title, Body string
	Tags            []string
	Modified        time.Time
}

// Fields a word was found in, kept in the low bits of a posting.
const (
	inTitle = 1 << iota
	inTag
	inBody
	fieldBits = 3
)

// tagPrefix starts the dictionary entry of a whole tag, so that tags and
// words share one dictionary without a word ever looking like a tag.
const tagPrefix = "\x00"

// Index is an inverted index of folded words. It is safe for concurrent
// use.
//
// Every Put gets a fresh slot number; a replaced or deleted note leaves a
// dead slot behind that queries skip. Posting lists are therefore
// append-only and sorted by slot. When dead slots outnumber live ones the
// index is rebuilt from the word sequences it keeps for phrase matching.
type Index struct {
	mu    sync.RWMutex
	slots []slot
	byID  map[string]uint32 // note id → live slot
	dead  int
	terms terms
	post  [][]uint32 // term id → slot<<fieldBits | fields, by slot

	// Scratch, guarded by mu.
	ids     []uint32 // term id of each word of the Prepared being put
	stamp   []uint32 // term id → slot+1 of the last note that touched it (compaction)
	fields  []uint8  // term id → fields it was found in for that note
	touched []uint32
}

// slot is one indexed version of a note.
type slot struct {
	id       string
	modified time.Time
	alive    bool
	title    []uint32   // term ids, in order
	body     []uint32   // term ids, in order
	tags     [][]uint32 // term ids of each tag, in order
	tagTerms []uint32   // term id of each whole tag
}

// New returns an empty index.
func New() *Index {
	ix := &Index{}
	ix.reset()
	return ix
}

func (ix *Index) reset() {
	ix.slots = nil
	ix.byID = make(map[string]uint32)
	ix.dead = 0
	ix.terms.reset()
	ix.post = nil
	ix.stamp, ix.fields = nil, nil
}

// Put indexes d, replacing any document with the same ID. It is
// PutPrepared(Prepare(d)).
func (ix *Index) Put(d Doc) {
	ix.PutPrepared(Prepare(d))
}

func (ix *Index) intern(w string) uint32 {
	id, added := ix.terms.intern(w)
	if added {
		ix.post = append(ix.post, nil)
		ix.stamp = append(ix.stamp, 0)
		ix.fields = append(ix.fields, 0)
	}
	return id
}

// post1 appends the postings of slot n.
func (ix *Index) post1(n uint32) {
	s := &ix.slots[n]
	ix.touched = ix.touched[:0]
	touch := func(id uint32, f uint8) {
		if ix.stamp[id] != n+1 {
			ix.stamp[id] = n + 1
			ix.fields[id] = 0
			ix.touched = append(ix.touched, id)
		}
		ix.fields[id] |= f
	}
	for _, id := range s.title {
		touch(id, inTitle)
	}
	for _, seq := range s.tags {
		for _, id := range seq {
			touch(id, inTag)
		}
	}
	for _, id := range s.tagTerms {
		touch(id, inTag)
	}
	for _, id := range s.body {
		touch(id, inBody)
	}
	for _, id := range ix.touched {
		ix.post[id] = append(ix.post[id], n<<fieldBits|uint32(ix.fields[id]))
	}
}

// kill marks the live slot of id dead, if there is one.
func (ix *Index) kill(id string) {
	n, ok := ix.byID[id]
	if !ok {
		return
	}
	delete(ix.byID, id)
	ix.slots[n] = slot{}
	ix.dead++
}

// Delete removes the document with the given ID, if any.
func (ix *Index) Delete(id string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.kill(id)
	ix.compactIfSparse()
}

// compactIfSparse rebuilds the index when dead slots outnumber live ones,
// so that memory and query time stay proportional to the live notes.
func (ix *Index) compactIfSparse() {
	if ix.dead < 1024 || ix.dead < len(ix.byID) {
		return
	}
	live := make([]slot, 0, len(ix.byID))
	for _, s := range ix.slots {
		if s.alive {
			live = append(live, s)
		}
	}
	ix.slots = live
	for i := range ix.post {
		ix.post[i] = nil
	}
	clear(ix.stamp)
	ix.dead = 0
	for i, s := range ix.slots {
		ix.byID[s.id] = uint32(i)
		ix.post1(uint32(i))
	}
}

// Clear drops every document, as when the vault is locked.
func (ix *Index) Clear() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.reset()
}

// Len returns the number of documents in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.byID)
}

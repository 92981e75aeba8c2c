package core

import (
	"fmt"
	"slices"
	"testing"

	"cipherleaf.dev/client/search"
	"cipherleaf.dev/client/syncer"
	"cipherleaf.dev/shared/note"
)

// TestStagedPutInto: the staged updates, notes and deletes mixed (a
// delete of a note put before it, of one never put, a note put again),
// leave an index as putting each note and deleting each id one at a time
// would, into a new index (build) and into one that already holds a note
// (putInto, when the Core's index refuses to adopt).
func TestStagedPutInto(t *testing.T) {
	var ups []syncer.Update
	for i := range 40 {
		id := fmt.Sprintf("n%02d", i%30) // ids 0-9 come twice
		switch {
		case i%7 == 3:
			ups = append(ups, syncer.Update{ID: id}) // a tombstone
		case i == 12:
			ups = append(ups, syncer.Update{ID: "never-put"})
		default:
			n := &note.Note{Title: fmt.Sprintf("title %d word%d", i, i%4), Body: fmt.Sprintf("body of %s, version %d", id, i), Tags: []string{fmt.Sprintf("t%d", i%3)}}
			u := syncer.Update{ID: id, Note: n}
			if i%2 == 0 { // some prepared ahead, as a pull without Stage does
				p := search.Prepare(doc(id, n))
				u.Prepared = &p
			}
			ups = append(ups, u)
		}
	}
	held := doc("held", &note.Note{Title: "held before", Body: "word1 title"})
	reference := func(start []search.Doc) *search.Index {
		ix := search.New()
		for _, d := range start {
			ix.Put(d)
		}
		for _, u := range ups {
			if u.Note == nil {
				ix.Delete(u.ID)
			} else {
				ix.Put(doc(u.ID, u.Note))
			}
		}
		return ix
	}
	tests := []struct {
		name  string
		start []search.Doc
		index func(st *staged) *search.Index
	}{
		{"built apart", nil, func(st *staged) *search.Index { return st.ix }},
		{"put into an index that holds a note", []search.Doc{held}, func(st *staged) *search.Index {
			ix := search.New()
			ix.Put(held)
			st.putInto(ix)
			return ix
		}},
	}
	queries := []string{"", "title", "word1", "word3", `"body of n05"`, "version", "tag:t1", "held", "n07", "never"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &staged{ix: search.New(), ups: ups}
			st.build()
			got, want := tt.index(st), reference(tt.start)
			if got.Len() != want.Len() {
				t.Errorf("Len() = %d, want %d", got.Len(), want.Len())
			}
			for _, q := range queries {
				if g, w := got.Query(q, 0), want.Query(q, 0); !slices.Equal(g, w) {
					t.Errorf("Query(%q) = %q, want %q", q, g, w)
				}
			}
			if !st.matches(ups) || st.matches(ups[1:]) {
				t.Error("matches() is wrong about the staged updates")
			}
			changed := slices.Clone(ups)
			changed[5].Note = &note.Note{Title: "another"}
			if st.matches(changed) {
				t.Error("matches() took updates with another note")
			}
		})
	}
}

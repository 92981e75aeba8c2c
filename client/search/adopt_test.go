package search

import (
	"reflect"
	"slices"
	"testing"
)

// TestAdopt: an index built apart and adopted answers every query as the
// same documents put into the index itself; an index that holds or held a
// document refuses to adopt and is left as it was.
func TestAdopt(t *testing.T) {
	docs := stamped(corpus, extra)
	prepare := func(ds []Doc) []Prepared {
		ps := make([]Prepared, len(ds))
		for i, d := range ds {
			ps[i] = Prepare(d)
		}
		return ps
	}
	tests := []struct {
		name   string
		before func(ix *Index) // what the adopting index went through
		adopts bool
	}{
		{"new", func(*Index) {}, true},
		{"cleared", func(ix *Index) { ix.PutPrepared(prepare(docs[:2])...); ix.Clear() }, true},
		{"holds a document", func(ix *Index) { ix.PutPrepared(prepare(docs[:1])...) }, false},
		{"held a deleted document", func(ix *Index) { ix.PutPrepared(prepare(docs[:1])...); ix.Delete(docs[0].ID) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix, same := New(), New()
			tt.before(ix)
			tt.before(same)
			o := New()
			o.PutPrepared(prepare(docs)...)
			if got := ix.Adopt(o); got != tt.adopts {
				t.Fatalf("Adopt() = %v, want %v", got, tt.adopts)
			}
			if !tt.adopts {
				if !reflect.DeepEqual(ix, same) {
					t.Fatal("a refused Adopt changed the index")
				}
				return
			}
			if o.Len() != 0 || len(o.Query("", 0)) != 0 {
				t.Errorf("the adopted index still holds %d documents", o.Len())
			}
			want := New()
			want.PutPrepared(prepare(docs)...)
			if ix.Len() != want.Len() {
				t.Errorf("Len() = %d, want %d", ix.Len(), want.Len())
			}
			for _, q := range queries() {
				if g, w := ix.Query(q, 0), want.Query(q, 0); !slices.Equal(g, w) {
					t.Errorf("Query(%q) = %q, want %q", q, g, w)
				}
			}
			// Both go on alike: a replacement and a delete after adoption.
			for _, x := range []*Index{ix, want} {
				x.PutPrepared(Prepare(Doc{ID: docs[0].ID, Title: "replaced title", Modified: t0}))
				x.Delete(docs[1].ID)
			}
			for _, q := range append(queries(), "replaced") {
				if g, w := ix.Query(q, 0), want.Query(q, 0); !slices.Equal(g, w) {
					t.Errorf("after more puts: Query(%q) = %q, want %q", q, g, w)
				}
			}
		})
	}
	if ix := New(); ix.Adopt(ix) {
		t.Error("an index adopted itself")
	}
}

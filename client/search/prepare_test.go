package search

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// extra are documents at the edges of Prepare: repeated words and tags,
// tags with no words, an empty note, a word past maxWord, folding that
// splits a word.
var extra = []Doc{
	{ID: "repeat", Title: "budget budget", Body: "budget Budget BUDGET meeting budget", Tags: []string{"work", "work", "budget"}},
	{ID: "emptytags", Title: "Tags of nothing", Body: "x", Tags: []string{"", "...", " ", "to do"}},
	{ID: "empty"},
	{ID: "long", Body: strings.Repeat("é", 40) + " " + strings.Repeat("ab", 40)},
	{ID: "split", Title: "½ ﬁ", Body: "1⁄2 fi", Tags: []string{"½"}},
	{ID: "samewords", Title: "to do", Body: "do to", Tags: []string{"to do"}},
}

// queries are the queries compared between the two ways of indexing: every
// query of TestQuery and a few on extra.
func queries() []string {
	qs := []string{"", "budget", "budget ", "BUDGET meeting", "tag:work", "tag:budget", `tag:"to do"`, "tag:", `"to do"`, `"do to"`, "do ", "to",
		"nothing", "x", "é", strings.Repeat("e", 40), "ab", "1 2", `"1 2"`, "fi", "tag:1/2", "tag:½", "weekly", "tea", "cafe", "w",
		`"meeting agenda"`, `"list the"`, `"budget meeting"`, `"to do do to"`, `"work work"`}
	for _, w := range strings.Fields("meeting cafe groceries phrase tagged ligature notes work finance home food unicode sisyphus strasse zurich") {
		qs = append(qs, w, w[:2], w+" ", `"`+w+`"`)
	}
	return qs
}

// putReference is Put as it was before Prepare existed: it tokenizes and
// interns word by word under the lock. It is the oracle of the tests below,
// independent of Prepare.
func putReference(ix *Index, d Doc) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var tk tokenizer
	sequence := func(text string) []uint32 {
		var seq []uint32
		tk.each(text, func(w []byte) { seq = append(seq, ix.intern(string(w))) })
		return seq
	}
	ix.kill(d.ID)
	s := slot{id: d.ID, modified: d.Modified, alive: true}
	s.title = sequence(d.Title)
	s.body = sequence(d.Body)
	for _, tag := range d.Tags {
		seq := sequence(tag)
		if len(seq) == 0 {
			continue
		}
		s.tags = append(s.tags, seq)
		parts := make([]string, len(seq))
		for i, id := range seq {
			parts[i] = ix.terms.words[id]
		}
		s.tagTerms = append(s.tagTerms, ix.intern(tagPrefix+strings.Join(parts, " ")))
	}
	n := uint32(len(ix.slots))
	ix.slots = append(ix.slots, s)
	ix.byID[d.ID] = n
	ix.post1(n)
	ix.compactIfSparse()
}

// stamped returns docs with growing Modified times, as fixture does.
func stamped(docs ...[]Doc) []Doc {
	var out []Doc
	for _, ds := range docs {
		for _, d := range ds {
			d.Modified = t0.Add(time.Duration(len(out)) * time.Hour)
			out = append(out, d)
		}
	}
	return out
}

// TestPreparedMatchesPut indexes the same documents with the word-by-word
// Put of old (putReference) and with Prepare and PutPrepared (in batches
// of several shapes, with replacements inside a batch, and through Put)
// and checks that every query answers the same.
func TestPreparedMatchesPut(t *testing.T) {
	docs := stamped(corpus, extra)
	// Later versions replace earlier ones, inside the same batch.
	replaced := stamped(corpus, extra, []Doc{
		{ID: "cafe", Title: "Tea houses"},
		{ID: "repeat", Body: "gone"},
		{ID: "empty", Title: "now has words", Tags: []string{"work"}},
	})
	// So many replacements that the index rebuilds itself from its slots.
	var compacted []Doc
	for range 200 {
		compacted = append(compacted, docs...)
	}
	prepare := func(ds []Doc) []Prepared {
		ps := make([]Prepared, len(ds))
		for i, d := range ds {
			ps[i] = Prepare(d)
		}
		return ps
	}
	tests := []struct {
		name string
		docs []Doc
		put  func(ix *Index, ds []Doc)
	}{
		{"one batch", docs, func(ix *Index, ds []Doc) { ix.PutPrepared(prepare(ds)...) }},
		{"one at a time", docs, func(ix *Index, ds []Doc) {
			for _, p := range prepare(ds) {
				ix.PutPrepared(p)
			}
		}},
		{"two batches", docs, func(ix *Index, ds []Doc) {
			ps := prepare(ds)
			ix.PutPrepared(ps[:3]...)
			ix.Query("x", 1) // sorts the words of the first batch
			ix.PutPrepared(ps[3:]...)
		}},
		{"prepared concurrently", docs, func(ix *Index, ds []Doc) {
			ps := make([]Prepared, len(ds))
			var wg sync.WaitGroup
			for i, d := range ds {
				wg.Go(func() { ps[i] = Prepare(d) })
			}
			wg.Wait()
			ix.PutPrepared(ps...)
		}},
		{"replaced in one batch", replaced, func(ix *Index, ds []Doc) { ix.PutPrepared(prepare(ds)...) }},
		{"compacted", compacted, func(ix *Index, ds []Doc) {
			// One batch: the rebuild comes last, from the slots alone.
			ix.PutPrepared(prepare(ds)...)
		}},
		{"Put", replaced, func(ix *Index, ds []Doc) {
			for _, d := range ds {
				ix.Put(d)
			}
		}},
		{"empty batch", docs, func(ix *Index, ds []Doc) {
			ix.PutPrepared()
			ix.PutPrepared(prepare(ds)...)
			ix.PutPrepared()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := New()
			for _, d := range tt.docs {
				putReference(want, d)
			}
			got := New()
			tt.put(got, tt.docs)
			if g, w := got.Len(), want.Len(); g != w {
				t.Errorf("Len() = %d, want %d", g, w)
			}
			for _, q := range queries() {
				if g, w := got.Query(q, 0), want.Query(q, 0); !slices.Equal(g, w) {
					t.Errorf("Query(%q) = %q, want %q (as putReference)", q, g, w)
				}
			}
		})
	}
}

// TestPreparedReusable puts one Prepared value into two indexes and twice
// into one: PutPrepared must not change it.
func TestPreparedReusable(t *testing.T) {
	p := Prepare(Doc{ID: "a", Title: "Weekly meeting", Body: "budget", Tags: []string{"work"}, Modified: t0})
	a, b := New(), New()
	a.PutPrepared(p)
	b.PutPrepared(p, p)
	a.Put(Doc{ID: "b", Title: "other words entirely"}) // new term ids in a only
	a.PutPrepared(p)
	for _, ix := range []*Index{a, b} {
		for _, q := range []string{"weekly", `"weekly meeting"`, "budget", "tag:work"} {
			if got := ix.Query(q, 0); !slices.Equal(got, []string{"a"}) {
				t.Errorf("Query(%q) = %q, want [a]", q, got)
			}
		}
	}
	if got := b.Len(); got != 1 {
		t.Errorf("Len() after putting one Prepared twice = %d, want 1", got)
	}
}

// TestPreparedDropped checks that preparing a document shows nothing: the
// index only learns of it through PutPrepared.
func TestPreparedDropped(t *testing.T) {
	ix := fixture(t)
	before := ix.Query("", 0)
	_ = Prepare(Doc{ID: "secret", Title: "unverified", Body: "zzsecret"})
	for _, q := range []string{"unverified", "zzsecret", "zz"} {
		if got := ix.Query(q, 0); len(got) != 0 {
			t.Errorf("Query(%q) = %q after Prepare alone, want none", q, got)
		}
	}
	if got := ix.Query("", 0); !slices.Equal(got, before) {
		t.Errorf("Query(\"\") = %q after Prepare alone, want %q", got, before)
	}
}

// TestPreparedConcurrent prepares in several goroutines while batches are
// put, single documents replaced and deleted, and queries run; run it
// with -race.
func TestPreparedConcurrent(t *testing.T) {
	ix := fixture(t)
	prepared := make(chan []Prepared)
	var producers sync.WaitGroup
	for w := range 3 {
		producers.Go(func() {
			for b := range 20 {
				batch := make([]Prepared, 25)
				for i := range batch {
					batch[i] = Prepare(Doc{ID: fmt.Sprintf("p%d-%d", w, i), Title: fmt.Sprintf("batch%d Café", b), Body: "concurrent budget ünïcödé", Tags: []string{"bulk"}, Modified: t0})
				}
				prepared <- batch
			}
		})
	}
	go func() { producers.Wait(); close(prepared) }()
	var wg sync.WaitGroup
	wg.Go(func() {
		for batch := range prepared {
			ix.PutPrepared(batch...)
		}
	})
	wg.Go(func() {
		for i := range 300 {
			id := fmt.Sprintf("single-%d", i%20)
			ix.Put(Doc{ID: id, Title: fmt.Sprintf("word%d", i), Body: "budget", Modified: t0})
			if i%7 == 0 {
				ix.Delete(id)
			}
		}
	})
	wg.Go(func() {
		for i := range 300 {
			ix.Query(fmt.Sprintf("budget batch%d", i%20), 10)
			ix.Query("caf", 0)
			ix.Len()
		}
	})
	wg.Wait()
	if got := len(ix.Query("tag:bulk", 0)); got != 3*25 {
		t.Errorf("Query(tag:bulk) found %d, want %d", got, 3*25)
	}
	if got := len(ix.Query("batch19 cafe", 0)); got != 3*25 {
		t.Errorf("Query(batch19 cafe) found %d, want %d (the last batch of each producer)", got, 3*25)
	}
	if got := ix.Query("tag:work", 0); !slices.Equal(got, []string{"budget", "meeting"}) {
		t.Errorf("Query(tag:work) = %q after concurrent use", got)
	}
}

// FuzzPreparedMatchesPut checks, for any text, that Prepare and PutPrepared
// index it as the word-by-word Put of old did.
func FuzzPreparedMatchesPut(f *testing.F) {
	for _, d := range append(slices.Clone(corpus), extra...) {
		f.Add(d.Title, d.Body, strings.Join(d.Tags, ","))
	}
	f.Fuzz(func(t *testing.T, title, body, tags string) {
		d := Doc{ID: "d", Title: title, Body: body, Tags: strings.Split(tags, ","), Modified: t0}
		other := Doc{ID: "o", Title: body, Body: title, Modified: t0.Add(time.Hour)}
		want, got := New(), New()
		putReference(want, other)
		putReference(want, d)
		got.PutPrepared(Prepare(other), Prepare(d))
		var tk tokenizer
		qs := []string{"", title, body, `"` + body + `"`, "tag:" + tags}
		for _, w := range tk.words(title + " " + body) {
			qs = append(qs, w, w+" ")
		}
		for _, q := range qs {
			if g, w := got.Query(q, 0), want.Query(q, 0); !slices.Equal(g, w) {
				t.Fatalf("Query(%q) = %q, want %q (as putReference)", q, g, w)
			}
		}
	})
}

package search

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// corpus is the fixture of the semantic tests; Modified grows with the
// position so that "newest first" is the reverse of this order.
var corpus = []Doc{
	{ID: "meeting", Title: "Weekly meeting", Body: "Agenda: budget, hiring.", Tags: []string{"work"}},
	{ID: "cafe", Title: "Café list", Body: "The best CAFÉS in Zürich and Malmö.", Tags: []string{"Food"}},
	{ID: "groceries", Title: "Groceries", Body: "milk, eggs, bread; meet Ann at the market", Tags: []string{"home", "to do"}},
	{ID: "budget", Title: "Notes", Body: "The budget meeting moved to Friday.", Tags: []string{"work", "finance"}},
	{ID: "phrase", Title: "Quotes", Body: "friday budget review, then the budget meeting", Tags: nil},
	{ID: "tagged", Title: "Misc", Body: "nothing to see", Tags: []string{"Meeting"}},
	{ID: "ligature", Title: "ﬁnance ½", Body: "straße ΣΊΣΥΦΟΣ", Tags: []string{"Ünïcödé"}},
}

func fixture(t testing.TB) *Index {
	ix := New()
	for i, d := range corpus {
		d.Modified = t0.Add(time.Duration(i) * time.Hour)
		ix.Put(d)
	}
	return ix
}

func TestQuery(t *testing.T) {
	ix := fixture(t)
	tests := []struct {
		q     string
		limit int
		want  []string
	}{
		{"", 0, []string{"ligature", "tagged", "phrase", "budget", "groceries", "cafe", "meeting"}},
		{"   ", 3, []string{"ligature", "tagged", "phrase"}},
		{"...", 0, []string{"ligature", "tagged", "phrase", "budget", "groceries", "cafe", "meeting"}},
		// Whole words, AND-ed; the last one is a prefix while typing.
		{"budget", 0, []string{"phrase", "budget", "meeting"}},
		{"budget meeting", 0, []string{"meeting", "phrase", "budget"}},
		{"budget meeting ", 0, []string{"meeting", "phrase", "budget"}},
		{"mee", 0, []string{"meeting", "tagged", "phrase", "budget", "groceries"}},
		{"mee ", 0, nil},
		{"meet ", 0, []string{"groceries"}},
		{"budget fri", 0, []string{"phrase", "budget"}},
		{"bud fri", 0, nil},
		{"nothing-here", 0, nil},
		// Ranking: title above tag above body, then newest.
		{"meeting", 0, []string{"meeting", "tagged", "phrase", "budget"}},
		// Folding of case, accents, compatibility forms.
		{"cafe", 0, []string{"cafe"}},
		{"CAFES", 0, []string{"cafe"}},
		{"zurich malmo", 0, []string{"cafe"}},
		{"ZÜRICH", 0, []string{"cafe"}},
		{"finance", 0, []string{"ligature", "budget"}},
		{"1", 0, []string{"ligature"}},
		{"strasse", 0, []string{"ligature"}},
		{"σισυφος", 0, []string{"ligature"}},
		// tag: restricts to a whole tag.
		{"tag:work", 0, []string{"budget", "meeting"}},
		{"TAG:WORK budget", 0, []string{"budget", "meeting"}},
		{"tag:food", 0, []string{"cafe"}},
		{"tag:wor", 0, nil},
		{"tag:unicode", 0, []string{"ligature"}},
		{`tag:"to do"`, 0, []string{"groceries"}},
		{"tag:to-do", 0, []string{"groceries"}},
		{"tag:to", 0, nil},
		{"tag:", 0, []string{"ligature", "tagged", "phrase", "budget", "groceries", "cafe", "meeting"}},
		{"tag:meeting", 0, []string{"tagged"}},
		// Quoted phrases.
		{`"budget meeting"`, 0, []string{"phrase", "budget"}},
		{`"meeting budget"`, 0, nil},
		{`"Budget   Meeting`, 0, []string{"phrase", "budget"}},
		{`"budget" fri`, 0, []string{"phrase", "budget"}},
		{`"budg"`, 0, nil},
		{`"friday budget" tag:work`, 0, nil},
		{`"" budget`, 0, []string{"phrase", "budget", "meeting"}},
		{`"weekly meeting"`, 0, []string{"meeting"}},
		// Limits.
		{"budget", 1, []string{"phrase"}},
		{"budget", -1, []string{"phrase", "budget", "meeting"}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got := ix.Query(tt.q, tt.limit)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Query(%q, %d) = %q, want %q", tt.q, tt.limit, got, tt.want)
			}
		})
	}
}

func TestPutReplaceDeleteClear(t *testing.T) {
	ix := fixture(t)
	if got, want := ix.Len(), len(corpus); got != want {
		t.Fatalf("Len() = %d, want %d", got, want)
	}
	ix.Put(Doc{ID: "cafe", Title: "Tea houses", Modified: t0})
	if got := ix.Query("cafe", 0); len(got) != 0 {
		t.Errorf("after replace, Query(cafe) = %q, want none", got)
	}
	if got := ix.Query("tea", 0); !slices.Equal(got, []string{"cafe"}) {
		t.Errorf("after replace, Query(tea) = %q, want [cafe]", got)
	}
	if got, want := ix.Len(), len(corpus); got != want {
		t.Errorf("after replace, Len() = %d, want %d", got, want)
	}
	ix.Delete("budget")
	ix.Delete("no such note")
	if got := ix.Query("tag:work", 0); !slices.Equal(got, []string{"meeting"}) {
		t.Errorf("after delete, Query(tag:work) = %q, want [meeting]", got)
	}
	if got, want := ix.Len(), len(corpus)-1; got != want {
		t.Errorf("after delete, Len() = %d, want %d", got, want)
	}
	ix.Clear()
	if got := ix.Len(); got != 0 {
		t.Errorf("after Clear, Len() = %d, want 0", got)
	}
	if got := ix.Query("", 0); len(got) != 0 {
		t.Errorf("after Clear, Query(\"\") = %q, want none", got)
	}
	ix.Put(Doc{ID: "x", Body: "again"})
	if got := ix.Query("again", 0); !slices.Equal(got, []string{"x"}) {
		t.Errorf("after Clear and Put, Query(again) = %q, want [x]", got)
	}
}

// TestCompaction replaces notes until the index rebuilds itself, and checks
// that queries see only the latest versions throughout.
func TestCompaction(t *testing.T) {
	ix := New()
	const n = 300
	for round := range 10 {
		for i := range n {
			ix.Put(Doc{ID: fmt.Sprint(i), Title: fmt.Sprintf("round%d", round), Body: fmt.Sprintf("note%d", i), Modified: t0.Add(time.Duration(i) * time.Second)})
		}
		if got := len(ix.Query(fmt.Sprintf("round%d", round), 0)); got != n {
			t.Fatalf("round %d: Query(round%d) found %d, want %d", round, round, got, n)
		}
		if round > 0 {
			if got := ix.Query(fmt.Sprintf("round%d", round-1), 0); len(got) != 0 {
				t.Fatalf("round %d: old version still found: %q", round, got)
			}
		}
		if got := ix.Query("note7 ", 0); !slices.Equal(got, []string{"7"}) {
			t.Fatalf("round %d: Query(note7) = %q, want [7]", round, got)
		}
	}
	ix.mu.RLock()
	slots := len(ix.slots)
	ix.mu.RUnlock()
	if slots > 2*n+1024 {
		t.Errorf("%d slots for %d notes: dead slots were never reclaimed", slots, n)
	}
}

// TestConcurrent runs writers and readers together; run it with -race.
func TestConcurrent(t *testing.T) {
	ix := fixture(t)
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := range 500 {
				id := fmt.Sprintf("w%d-%d", w, i%50)
				ix.Put(Doc{ID: id, Title: fmt.Sprintf("word%d", i), Body: "concurrent budget", Modified: t0})
				if i%7 == 0 {
					ix.Delete(id)
				}
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for i := range 500 {
				ix.Query(fmt.Sprintf("budget wor%d", i%10), 10)
				ix.Len()
			}
		})
	}
	wg.Wait()
	if got := ix.Query("tag:work", 0); !slices.Equal(got, []string{"budget", "meeting"}) {
		t.Errorf("Query(tag:work) = %q after concurrent use", got)
	}
}

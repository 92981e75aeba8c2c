package search

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		q    string
		want []clause
	}{
		{"", nil},
		{"  \t", nil},
		{"Meeting", []clause{{kindPrefix, []string{"meeting"}}}},
		{"Meeting ", []clause{{kindWord, []string{"meeting"}}}},
		{"a b", []clause{{kindWord, []string{"a"}}, {kindPrefix, []string{"b"}}}},
		{"e-mail", []clause{{kindWord, []string{"e"}}, {kindPrefix, []string{"mail"}}}},
		{"mee .", []clause{{kindWord, []string{"mee"}}}},
		{`"a b" c`, []clause{{kindPhrase, []string{"a", "b"}}, {kindPrefix, []string{"c"}}}},
		{`c "a b"`, []clause{{kindWord, []string{"c"}}, {kindPhrase, []string{"a", "b"}}}},
		{`"a b`, []clause{{kindPhrase, []string{"a", "b"}}}},
		{`"a"`, []clause{{kindWord, []string{"a"}}}},
		{`""`, nil},
		{`a"b"`, []clause{{kindWord, []string{"a"}}, {kindWord, []string{"b"}}}},
		{"tag:Work", []clause{{kindTag, []string{"work"}}}},
		{`tag:"To Do" x`, []clause{{kindTag, []string{"to do"}}, {kindPrefix, []string{"x"}}}},
		{"tag:", nil},
		{"tag:!", nil},
		{"Tag:Ünï", []clause{{kindTag, []string{"uni"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			if got := parse(tt.q); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parse(%q) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}

// FuzzQuery checks that any query parses and runs without panicking, that
// every clause names something, and that results are live notes, each once.
func FuzzQuery(f *testing.F) {
	for _, q := range []string{"", "mee", `"budget meeting" tag:work`, `tag:"to do"`, "ﬁ½", "\xff\xfe", `"`, "tag:\"", "Σ ς"} {
		f.Add(q)
	}
	ix := fixture(f)
	f.Fuzz(func(t *testing.T, q string) {
		for _, c := range parse(q) {
			if len(c.words) == 0 {
				t.Fatalf("parse(%q) has an empty clause", q)
			}
			for _, w := range c.words {
				if w == "" {
					t.Fatalf("parse(%q) has an empty word", q)
				}
			}
		}
		// Folding is idempotent, so a folded word finds itself.
		var tk tokenizer
		ws := tk.words(q)
		for _, w := range ws {
			if w == "" || len(w) > maxWord {
				t.Fatalf("words(%q) has word %q", q, w)
			}
		}
		if again := tk.words(strings.Join(ws, " ")); !slices.Equal(again, ws) {
			t.Fatalf("words(%q) = %q, but words of that = %q", q, ws, again)
		}
		seen := map[string]bool{}
		for _, id := range ix.Query(q, 0) {
			if seen[id] {
				t.Fatalf("Query(%q) returns %q twice", q, id)
			}
			seen[id] = true
		}
		if len(seen) > len(corpus) {
			t.Fatalf("Query(%q) returns %d ids from %d notes", q, len(seen), len(corpus))
		}
	})
}

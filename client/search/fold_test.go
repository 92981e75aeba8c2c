package search

import (
	"slices"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Hello, World!", []string{"hello", "world"}},
		{"Café CAFÉ cafe\u0301", []string{"cafe", "cafe", "cafe"}},
		{"naïve résumé", []string{"naive", "resume"}},
		{"Straße", []string{"strasse"}},
		{"ﬁle ½", []string{"file", "1", "2"}},
		{"ΣΊΣΥΦΟΣ σίσυφος", []string{"σισυφοσ", "σισυφοσ"}},
		{"x²", []string{"x2"}},
		{"ꭱ0 Ꭱ0", []string{"ꭱ0", "ꭱ0"}}, // x/text folds Cherokee to upper case
		{"don't", []string{"don", "t"}},
		{"bad\xffutf8", []string{"bad", "utf8"}},
		{"日本語 テキスト", []string{"日本語", "テキスト"}},
		{strings.Repeat("a", 100), []string{strings.Repeat("a", maxWord)}},
		{strings.Repeat("é", 40), []string{strings.Repeat("e", 40)}},
		{strings.Repeat("ж", 40), []string{strings.Repeat("ж", maxWord/2)}},
	}
	var tk tokenizer
	for _, tt := range tests {
		if got := tk.words(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("words(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

package search

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
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

// wordsReference splits s rune by rune, the plain way each did before it
// copied runs of ASCII at once: the oracle of FuzzWords.
func wordsReference(tk *tokenizer, s string) []string {
	var out []string
	emit := func(w []byte) { out = append(out, string(w)) }
	var w []byte
	ascii := true
	flush := func() {
		if len(w) > 0 {
			tk.emit(w, ascii, emit)
		}
		w, ascii = nil, true
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9'):
			w = append(w, byte(r))
		case r < utf8.RuneSelf && 'A' <= r && r <= 'Z':
			w = append(w, byte(r)+'a'-'A')
		case r >= utf8.RuneSelf && isWordRune(r):
			w = append(w, s[i:i+n]...)
			ascii = false
		default:
			flush()
		}
		i += n
	}
	flush()
	return out
}

// FuzzWords checks that each splits any text as the rune-by-rune
// reference does.
func FuzzWords(f *testing.F) {
	for _, s := range []string{"", "Hello, World!", "Café CAFÉ cafe\u0301", "ﬁle ½", "bad\xffutf8", "x²", "don't",
		strings.Repeat("a", 100), strings.Repeat("é", 40), "ABC123def\u00e9GHI", "a\x80b", "\xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var tk, ref tokenizer
		if got, want := tk.words(s), wordsReference(&ref, s); !slices.Equal(got, want) {
			t.Errorf("words(%q) = %q, want %q", s, got, want)
		}
	})
}

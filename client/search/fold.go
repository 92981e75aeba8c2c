package search

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// tokenizer splits text into folded words. It keeps buffers between calls
// and so is not safe for concurrent use.
type tokenizer struct {
	word   []byte
	folded []byte
	fold   transform.Transformer // made on first non-ASCII word
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}

// each calls emit with every folded word of s, in order. The slice passed
// to emit is only valid during the call.
func (tk *tokenizer) each(s string, emit func(word []byte)) {
	w := tk.word[:0]
	ascii := true
	flush := func() {
		if len(w) == 0 {
			return
		}
		if ascii {
			emit(clip(w))
		} else {
			tk.foldEach(w, emit)
		}
		w, ascii = w[:0], true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				w = append(w, c)
			case 'A' <= c && c <= 'Z':
				w = append(w, c+'a'-'A')
			default:
				flush()
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if isWordRune(r) {
			w = append(w, s[i:i+n]...)
			ascii = false
		} else {
			flush()
		}
		i += n
	}
	flush()
	tk.word = w
}

// foldEach folds a word that has non-ASCII letters and emits the words it
// becomes: folding can bring out separators ("½" is "1⁄2").
func (tk *tokenizer) foldEach(w []byte, emit func([]byte)) {
	if tk.fold == nil {
		// Case folding is followed by lowering because x/text folds
		// Cherokee to upper case and back, which is not idempotent.
		tk.fold = transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), cases.Fold(), runes.Map(unicode.ToLower))
	}
	out, _, err := transform.Append(tk.fold, tk.folded[:0], w)
	if err != nil {
		return
	}
	tk.folded = out
	start := -1
	for i := 0; i < len(out); {
		r, n := utf8.DecodeRune(out[i:])
		if isWordRune(r) && r != utf8.RuneError {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			emit(clip(out[start:i]))
			start = -1
		}
		i += n
	}
	if start >= 0 {
		emit(clip(out[start:]))
	}
}

// maxWord is the length in bytes past which words are cut: a long run of
// letters (a key, a base64 blob) is indexed by its beginning only.
const maxWord = 64

// clip cuts w to at most maxWord bytes, at a rune boundary.
func clip(w []byte) []byte {
	if len(w) <= maxWord {
		return w
	}
	n := maxWord
	for n > 0 && !utf8.RuneStart(w[n]) {
		n--
	}
	return w[:n]
}

// words returns the folded words of s.
func (tk *tokenizer) words(s string) []string {
	var ws []string
	tk.each(s, func(w []byte) { ws = append(ws, string(w)) })
	return ws
}

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

// Kinds of bytes for each: ASCII that is part of a word as it is (lower
// case letters and digits), part of a word once lowered, or a separator,
// and the bytes of non-ASCII characters.
const (
	asciiSep = iota
	asciiWord
	asciiUpper
	notASCII
)

// byteKind is the kind of each byte; a byte past ASCII is none of them.
var byteKind = func() (t [256]uint8) {
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = notASCII
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = asciiWord
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = asciiWord
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = asciiUpper
	}
	return t
}()

// each calls emit with every folded word of s, in order. The slice passed
// to emit is only valid during the call.
func (tk *tokenizer) each(s string, emit func(word []byte)) {
	w := tk.word[:0]
	ascii := true // w holds ASCII only
	for i := 0; i < len(s); {
		c := s[i]
		n := 1
		switch byteKind[c] {
		case asciiWord:
			// A run of bytes that need no change is copied at once.
			j := i + 1
			for j < len(s) && byteKind[s[j]] == asciiWord {
				j++
			}
			w = append(w, s[i:j]...)
			i = j
			continue
		case asciiUpper:
			w = append(w, c+'a'-'A')
			i++
			continue
		case notASCII:
			var r rune
			r, n = utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) {
				w = append(w, s[i:i+n]...)
				ascii = false
				i += n
				continue
			}
		}
		// A separator ends the word.
		if len(w) > 0 {
			tk.emit(w, ascii, emit)
			w, ascii = w[:0], true
		}
		i += n
	}
	if len(w) > 0 {
		tk.emit(w, ascii, emit)
	}
	tk.word = w
}

// emit passes on the word w, folded unless it is ASCII.
func (tk *tokenizer) emit(w []byte, ascii bool, emit func([]byte)) {
	if ascii {
		emit(clip(w))
	} else {
		tk.foldEach(w, emit)
	}
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

package ui

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// words turns an error into a sentence for people. It is the only place the
// UI renders an error; every dialog, banner and status line goes through it.
//
// TODO(core): replace the body with `return core.Words(err)` once the core
// provides it; until then errors are only tidied up.
func words(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	// Keep the outermost, most general part of a wrapped error chain out of
	// sight and show its root, which names what went wrong.
	if i := strings.LastIndex(s, ": "); i >= 0 && i+2 < len(s) {
		s = s[i+2:]
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// kind is what a clause of a query matches.
type kind uint8

const (
	kindWord   kind = iota // a whole word
	kindPrefix             // the beginning of a word
	kindPhrase             // consecutive words
	kindTag                // a whole tag
)

// clause is one term of a query. All clauses must match.
type clause struct {
	kind  kind
	words []string // folded
}

// parse splits a query into clauses. It never fails: text that names
// nothing (punctuation, an empty tag:) is dropped.
func parse(q string) []clause {
	var tk tokenizer
	var cs []clause
	lastBare := -1 // index in cs of the last word of a trailing bare word
	for i := 0; i < len(q); {
		r, n := utf8.DecodeRuneInString(q[i:])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		lastBare = -1
		if r == '"' {
			text, next := quoted(q, i)
			i = next
			if ws := tk.words(text); len(ws) == 1 {
				cs = append(cs, clause{kindWord, ws})
			} else if len(ws) > 1 {
				cs = append(cs, clause{kindPhrase, ws})
			}
			continue
		}
		end := i
		for end < len(q) {
			r, n := utf8.DecodeRuneInString(q[end:])
			if unicode.IsSpace(r) || r == '"' {
				break
			}
			end += n
		}
		word := q[i:end]
		i = end
		if len(word) >= 4 && strings.EqualFold(word[:4], "tag:") {
			text := word[4:]
			if text == "" && i < len(q) && q[i] == '"' {
				text, i = quoted(q, i)
			}
			if ws := tk.words(text); len(ws) > 0 {
				cs = append(cs, clause{kindTag, []string{strings.Join(ws, " ")}})
			}
			continue
		}
		ws := tk.words(word)
		for _, w := range ws {
			cs = append(cs, clause{kindWord, []string{w}})
		}
		if i == len(q) && len(ws) > 0 {
			lastBare = len(cs) - 1
		}
	}
	if lastBare >= 0 {
		cs[lastBare].kind = kindPrefix
	}
	return cs
}

// quoted returns the text between the quote at q[i] and the next quote (or
// the end of q), and the index just past it.
func quoted(q string, i int) (text string, next int) {
	rest := q[i+1:]
	if j := strings.IndexByte(rest, '"'); j >= 0 {
		return rest[:j], i + 1 + j + 1
	}
	return rest, len(q)
}

package merge

import (
	"strings"
	"unicode/utf8"
)

// splitLines cuts s after every '\n', keeping the terminator ("\n" or
// "\r\n") with its line so that joining the lines gives s back byte for
// byte. A last line without a newline is a line of its own.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	n := strings.Count(s, "\n")
	lines := make([]string, 0, n+1)
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

// maxLines is the number of distinct lines the encoder can name: every rune
// value except the surrogate block, which does not survive a round trip
// through a Go string.
const maxLines = utf8.MaxRune + 1 - 0x800

// lineCoder gives every distinct line a rune so that a line diff can be
// computed as a rune diff.
type lineCoder struct {
	ids map[string]rune
}

func newLineCoder() *lineCoder { return &lineCoder{ids: make(map[string]rune)} }

// encode returns one rune per line; ok is false when there are more
// distinct lines than runes.
func (c *lineCoder) encode(lines []string) (rs []rune, ok bool) {
	rs = make([]rune, len(lines))
	for i, l := range lines {
		r, seen := c.ids[l]
		if !seen {
			n := len(c.ids)
			if n >= maxLines {
				return nil, false
			}
			r = rune(n)
			if r >= 0xD800 {
				r += 0x800 // skip the surrogates
			}
			c.ids[l] = r
		}
		rs[i] = r
	}
	return rs, true
}

// Package jsonscan reads JSON in one pass, for the fast decoders of
// package note (a note's payload) and package protocol (the sync bodies).
// It takes only what json.Marshal writes for those shapes; every reader
// returns false on anything else, and its caller then decodes with
// encoding/json, so every error and odd corner keeps its meaning there.
// Every reader first skips white space.
package jsonscan

import (
	"bytes"
	"encoding/binary"
)

// Scanner reads the JSON in b from i on.
type Scanner struct {
	b     []byte
	i     int
	arena []byte // spare room Bytes decodes into (UseArena)
}

// New returns a Scanner reading b from its start.
func New(b []byte) Scanner { return Scanner{b: b} }

func (s *Scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// Next skips white space and consumes c.
func (s *Scanner) Next(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// End reports whether only white space is left.
func (s *Scanner) End() bool {
	s.ws()
	return s.i == len(s.b)
}

// Object reads {"key": value, …}, each key a Plain string, calling member
// after each key's colon to read its value.
func (s *Scanner) Object(member func(key []byte) bool) bool {
	if !s.Next('{') {
		return false
	}
	if s.Next('}') {
		return true
	}
	for {
		key, ok := s.Plain()
		if !ok || !s.Next(':') || !member(key) {
			return false
		}
		if s.Next('}') {
			return true
		}
		if !s.Next(',') {
			return false
		}
	}
}

// Array reads [element, …], calling elem to read each element.
func (s *Scanner) Array(elem func() bool) bool {
	if !s.Next('[') {
		return false
	}
	if s.Next(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if s.Next(']') {
			return true
		}
		if !s.Next(',') {
			return false
		}
	}
}

// plain marks the bytes Plain takes inside a string: printable ASCII but
// the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c <= 0x7e; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// isPlain reports whether every byte of b is one Plain takes. It looks at
// eight bytes at a time with the "has a zero byte" and "has a byte less
// than n" tests of Bit Twiddling Hacks, each exact as a yes or no.
func isPlain(b []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(v uint64) uint64 { return (v - ones) &^ v }
	for len(b) >= 8 {
		x := binary.LittleEndian.Uint64(b)
		bad := x                    // a byte of 0x80 or more
		bad |= (x - 0x20*ones) &^ x // below 0x20 (with no byte of 0x80 or more)
		bad |= zero(x ^ 0x7f*ones)  // DEL
		bad |= zero(x ^ '"'*ones)   // a quote
		bad |= zero(x ^ '\\'*ones)  // a backslash
		if bad&highs != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if !plain[c] {
			return false
		}
	}
	return true
}

// Plain reads a string of printable ASCII without escapes and returns its
// bytes between the quotes, which are then also its decoded value.
func (s *Scanner) Plain() ([]byte, bool) {
	if !s.Next('"') {
		return nil, false
	}
	rest := s.b[s.i:]
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		return nil, false
	}
	// An escaped quote ends the span early, but its backslash is in it.
	if !isPlain(rest[:end]) {
		return nil, false
	}
	s.i += end + 1
	return rest[:end], true
}

// Literal returns the string literal at the scanner, quotes included, as
// found: its escapes are checked as JSON's grammar has them (Unquote, made
// for input encoding/json has already checked, would take \' too), not
// resolved.
func (s *Scanner) Literal() ([]byte, bool) {
	if !s.Next('"') {
		return nil, false
	}
	start := s.i - 1
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return s.b[start:s.i], true
		case c == '\\':
			if s.i+1 >= len(s.b) {
				return nil, false
			}
			switch s.b[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				if getu4(s.b[s.i:]) < 0 {
					return nil, false
				}
				s.i += 6
			default:
				return nil, false
			}
		case c < ' ':
			return nil, false
		default:
			s.i++
		}
	}
	return nil, false
}

// String reads a string literal and unquotes it as encoding/json does.
func (s *Scanner) String(v *string) bool {
	// Printable ASCII without escapes (most of a note's text) is its own
	// value: one check of each byte instead of Literal's and Unquote's.
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '"' {
		rest := s.b[s.i+1:]
		if end := bytes.IndexByte(rest, '"'); end >= 0 && isPlain(rest[:end]) {
			*v = string(rest[:end])
			s.i += end + 2
			return true
		}
	}
	lit, ok := s.Literal()
	if !ok {
		return false
	}
	*v, ok = Unquote(lit)
	return ok
}

// Uint reads a JSON integer without sign, fraction or exponent that fits
// in a uint64.
func (s *Scanner) Uint(v *uint64) bool {
	s.ws()
	start := s.i
	var n uint64
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		d := uint64(s.b[s.i] - '0')
		if n > (1<<64-1-d)/10 {
			return false // overflow: encoding/json refuses it
		}
		n = n*10 + d
		s.i++
	}
	digits := s.i - start
	if digits == 0 || (digits > 1 && s.b[start] == '0') {
		return false
	}
	*v = n
	return true
}

// Bytes reads a Plain base64 string the way encoding/json decodes a
// []byte; null (how json.Marshal writes a nil slice) leaves it nil.
func (s *Scanner) Bytes(v *[]byte) bool {
	s.ws()
	if len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "null" {
		s.i += 4
		*v = nil
		return true
	}
	if !s.Next('"') {
		return false
	}
	rest := s.b[s.i:]
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		return false
	}
	// The alphabet decodeBase64 takes is Plain: checking it is enough.
	src := rest[:end]
	dst := s.alloc(len(src) / 4 * 3)
	n, ok := decodeBase64(dst, src)
	if !ok {
		return false
	}
	s.i += end + 1
	*v = dst[:n:n]
	return true
}

// UseArena makes the following Bytes reads decode into one allocation of
// n bytes while it has room, instead of one each: a body of many blobs
// (a push batch) then costs one allocation. The slices share its backing
// array, so keeping any one of them keeps the whole arena; each is capped
// at its own length, so appending to one never writes into another.
func (s *Scanner) UseArena(n int) { s.arena = make([]byte, 0, n) }

// alloc returns n bytes from the arena, or newly allocated ones.
func (s *Scanner) alloc(n int) []byte {
	if free := cap(s.arena) - len(s.arena); s.arena != nil && n <= free {
		start := len(s.arena)
		s.arena = s.arena[:start+n]
		return s.arena[start : start+n : start+n]
	}
	return make([]byte, n)
}

// Bool reads true or false.
func (s *Scanner) Bool(v *bool) bool {
	s.ws()
	switch {
	case len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "true":
		s.i += 4
		*v = true
		return true
	case len(s.b)-s.i >= 5 && string(s.b[s.i:s.i+5]) == "false":
		s.i += 5
		*v = false
		return true
	}
	return false
}

// Seen is a set of an object's members, one bit each, for refusing a
// repeated key (encoding/json would keep the last).
type Seen uint32

// Once marks bit and reports whether it was not marked before.
func (s *Seen) Once(bit Seen) bool {
	if *s&bit != 0 {
		return false
	}
	*s |= bit
	return true
}

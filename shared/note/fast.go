package note

import "time"

// unmarshalFast decodes the payloads Marshal writes in one pass, without
// encoding/json's reflection, its validity pre-scan and its map of raw
// members: decoding each note's payload was the largest part of a pull's
// client CPU after the first fast path (decodeField).
//
// It takes only this shape: one object whose keys are spelled exactly as
// Marshal writes them, without escapes, each at most once; "v" as plain
// digits from 1 to Version; the text members as string literals; the
// times as string literals for time.Time.UnmarshalJSON; "tags" as an
// array of string literals. Any other member (attachments, a newer
// writer's fields), any null, number form or duplicate, and anything that
// does not parse, makes it report false, and Unmarshal decodes with
// encoding/json, so every error and odd corner keeps its meaning there.
// Strings are unquoted by unquote, as decodeField does. FuzzUnmarshalFast
// checks that whatever it accepts, unmarshalJSON decodes to the same note.
func unmarshalFast(data []byte) (*Note, bool) {
	s := scan{b: data}
	n := &Note{}
	var seen uint32
	v := 0
	s.ws()
	if !s.next('{') {
		return nil, false
	}
	s.ws()
	if s.next('}') {
		return nil, false // no "v"
	}
	for {
		s.ws()
		key, ok := s.plainKey()
		if !ok {
			return nil, false
		}
		s.ws()
		if !s.next(':') {
			return nil, false
		}
		s.ws()
		bit, ok := fastFields[key]
		if !ok || seen&bit != 0 {
			return nil, false
		}
		seen |= bit
		switch key {
		case "v":
			if v, ok = s.small(); !ok || v < 1 || v > Version {
				return nil, false
			}
		case "title":
			ok = s.text(&n.Title)
		case "body":
			ok = s.text(&n.Body)
		case "conflict_of":
			ok = s.text(&n.ConflictOf)
		case "source":
			ok = s.text(&n.Source)
		case "kind":
			ok = s.text(&n.Kind)
		case "notebook":
			ok = s.text(&n.Notebook)
		case "device":
			ok = s.text(&n.Device)
		case "created":
			ok = s.time(&n.Created)
		case "modified":
			ok = s.time(&n.Modified)
		case "trashed_at":
			ok = s.time(&n.TrashedAt)
		case "tags":
			ok = s.tags(&n.Tags)
		}
		if !ok {
			return nil, false
		}
		s.ws()
		if s.next('}') {
			break
		}
		if !s.next(',') {
			return nil, false
		}
	}
	s.ws()
	if s.i != len(s.b) || v == 0 {
		return nil, false
	}
	return n, true
}

// fastFields are the members unmarshalFast takes, each with its bit.
var fastFields = map[string]uint32{
	"v": 1 << 0, "title": 1 << 1, "body": 1 << 2, "tags": 1 << 3, "created": 1 << 4, "modified": 1 << 5,
	"conflict_of": 1 << 6, "source": 1 << 7, "kind": 1 << 8, "notebook": 1 << 9, "trashed_at": 1 << 10, "device": 1 << 11,
}

// scan reads a payload for unmarshalFast.
type scan struct {
	b []byte
	i int
}

func (s *scan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scan) next(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// literal returns the string literal at s.i, quotes included, as found:
// its escapes are checked as JSON's grammar has them (unquote, made for
// input encoding/json has already checked, would take \' too), not
// resolved.
func (s *scan) literal() ([]byte, bool) {
	if !s.next('"') {
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

// plainKey returns a key made of printable ASCII without escapes.
func (s *scan) plainKey() (string, bool) {
	lit, ok := s.literal()
	if !ok {
		return "", false
	}
	key := lit[1 : len(lit)-1]
	for _, c := range key {
		if c == '\\' || c >= 0x7f {
			return "", false
		}
	}
	return string(key), true
}

// small reads a version number: plain digits, no sign, no leading zero.
func (s *scan) small() (int, bool) {
	start, v := s.i, 0
	for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' && s.i-start < 9 {
		v = v*10 + int(s.b[s.i]-'0')
		s.i++
	}
	if s.i == start || (s.b[start] == '0' && s.i-start > 1) || s.i < len(s.b) && isNumberByte(s.b[s.i]) {
		return 0, false
	}
	return v, true
}

// isNumberByte reports whether c may continue a JSON number.
func isNumberByte(c byte) bool {
	return '0' <= c && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

func (s *scan) text(dst *string) bool {
	lit, ok := s.literal()
	if !ok {
		return false
	}
	*dst, ok = unquote(lit)
	return ok
}

func (s *scan) time(dst *time.Time) bool {
	lit, ok := s.literal()
	return ok && dst.UnmarshalJSON(lit) == nil
}

func (s *scan) tags(dst *[]string) bool {
	if !s.next('[') {
		return false
	}
	out := []string{}
	s.ws()
	if s.next(']') {
		*dst = out
		return true
	}
	for {
		s.ws()
		var t string
		if !s.text(&t) {
			return false
		}
		out = append(out, t)
		s.ws()
		if s.next(']') {
			*dst = out
			return true
		}
		if !s.next(',') {
			return false
		}
	}
}

package protocol

import (
	"bytes"
	"encoding/base64"
)

// Fast decoders for the bodies every sync sends and receives: a note write
// {"base_rev","blob"}, a batch {"ops":[…],"manifest"?} and a page of
// changes {"changes":[…],"next","more","manifest"?}. encoding/json spends
// most of their decoding time on reflection and on a second scan of the
// body; these read the bytes once.
//
// They take only what json.Marshal (or a json.Encoder, which adds
// newlines) writes: keys spelled exactly as the json tags, each at most
// once; numbers as plain digits; true/false for booleans; strings of
// printable ASCII without escapes (base64 and UUIDs are always that);
// null only for a blob; no unknown member. For such input encoding/json's
// result is known exactly (unquoting changes nothing, the exact-name match
// wins, base64 goes through the same base64.StdEncoding.Decode). Anything
// else makes them report false having changed nothing, and the caller
// decodes with encoding/json, so every error and every odd corner
// (case-folded keys, duplicates, escapes, nulls) keeps its encoding/json
// meaning. FuzzDecodeFast checks both give the same value or both fail.

// DecodeFast decodes b into v when v is a *PutNoteRequest, *BatchRequest
// or *ChangesResponse and b is in the shape above, and reports whether it
// did; on false v is unchanged and the caller uses encoding/json.
func DecodeFast(b []byte, v any) bool {
	switch v := v.(type) {
	case *PutNoteRequest:
		return fastPutNote(b, v)
	case *BatchRequest:
		return fastBatch(b, v)
	case *ChangesResponse:
		return fastChanges(b, v)
	}
	return false
}

// fastPutNote decodes b into v if b is in the shape above.
func fastPutNote(b []byte, v *PutNoteRequest) bool {
	s := scanner{b: b}
	var out PutNoteRequest
	var seen uint8
	ok := s.object(func(key []byte) bool {
		switch string(key) {
		case "base_rev":
			return s.once(&seen, 1) && s.uint(&out.BaseRev)
		case "blob":
			return s.once(&seen, 2) && s.bytes(&out.Blob)
		}
		return false
	})
	if !ok || !s.end() {
		return false
	}
	*v = out
	return true
}

// fastBatch decodes b into v if b is in the shape above.
func fastBatch(b []byte, v *BatchRequest) bool {
	s := scanner{b: b}
	var out BatchRequest
	var seen uint8
	ok := s.object(func(key []byte) bool {
		switch string(key) {
		case "ops":
			return s.once(&seen, 1) && s.ops(&out.Ops)
		case "manifest":
			if !s.once(&seen, 2) {
				return false
			}
			m := &PutManifestRequest{}
			out.Manifest = m
			var mseen uint8
			return s.object(func(key []byte) bool {
				switch string(key) {
				case "base_version":
					return s.once(&mseen, 1) && s.uint(&m.BaseVersion)
				case "blob":
					return s.once(&mseen, 2) && s.bytes(&m.Blob)
				}
				return false
			})
		}
		return false
	})
	if !ok || !s.end() {
		return false
	}
	*v = out
	return true
}

// scanner reads JSON from b at i. Every method returns false on anything
// outside the fast shape.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next skips white space and consumes c.
func (s *scanner) next(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (s *scanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// once marks bit in seen and fails if it was marked: a repeated key.
func (s *scanner) once(seen *uint8, bit uint8) bool {
	if *seen&bit != 0 {
		return false
	}
	*seen |= bit
	return true
}

// object reads {"key": value, …}, calling member after each key's colon
// to read its value.
func (s *scanner) object(member func(key []byte) bool) bool {
	if !s.next('{') {
		return false
	}
	if s.next('}') {
		return true
	}
	for {
		key, ok := s.str()
		if !ok || !s.next(':') || !member(key) {
			return false
		}
		if s.next('}') {
			return true
		}
		if !s.next(',') {
			return false
		}
	}
}

// plain marks the bytes str takes inside a string: printable ASCII but the
// quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c <= 0x7e; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str reads a string of printable ASCII without escapes and returns its
// bytes between the quotes, which are then also its decoded value.
func (s *scanner) str() ([]byte, bool) {
	if !s.next('"') {
		return nil, false
	}
	rest := s.b[s.i:]
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		return nil, false
	}
	// An escaped quote ends the span early, but its backslash is in it.
	for _, c := range rest[:end] {
		if !plain[c] {
			return nil, false
		}
	}
	s.i += end + 1
	return rest[:end], true
}

// uint reads a JSON integer without sign, fraction or exponent that fits
// in a uint64.
func (s *scanner) uint(v *uint64) bool {
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

// bytes reads a base64 string the way encoding/json decodes a []byte;
// null (how json.Marshal writes a nil slice) leaves it nil.
func (s *scanner) bytes(v *[]byte) bool {
	s.ws()
	if len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "null" {
		s.i += 4
		*v = nil
		return true
	}
	src, ok := s.str()
	if !ok {
		return false
	}
	dst := make([]byte, base64.StdEncoding.DecodedLen(len(src)))
	n, err := base64.StdEncoding.Decode(dst, src)
	if err != nil {
		return false
	}
	*v = dst[:n]
	return true
}

// text reads a string value.
func (s *scanner) text(v *string) bool {
	src, ok := s.str()
	if !ok {
		return false
	}
	switch string(src) { // the op names, without an allocation
	case OpPut:
		*v = OpPut
	case OpDelete:
		*v = OpDelete
	default:
		*v = string(src)
	}
	return true
}

// ops reads the batch's array of operations.
func (s *scanner) ops(v *[]BatchOp) bool {
	if !s.next('[') {
		return false
	}
	ops := make([]BatchOp, 0, 16)
	if s.next(']') {
		*v = ops
		return true
	}
	for {
		var op BatchOp
		var seen uint8
		ok := s.object(func(key []byte) bool {
			switch string(key) {
			case "op":
				return s.once(&seen, 1) && s.text(&op.Op)
			case "id":
				return s.once(&seen, 2) && s.text(&op.ID)
			case "base_rev":
				return s.once(&seen, 4) && s.uint(&op.BaseRev)
			case "blob":
				return s.once(&seen, 8) && s.bytes(&op.Blob)
			}
			return false
		})
		if !ok {
			return false
		}
		ops = append(ops, op)
		if s.next(']') {
			*v = ops
			return true
		}
		if !s.next(',') {
			return false
		}
	}
}

// bool reads true or false.
func (s *scanner) bool(v *bool) bool {
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

// fastChanges decodes b into v if b is in the shape above.
func fastChanges(b []byte, v *ChangesResponse) bool {
	s := scanner{b: b}
	var out ChangesResponse
	var seen uint8
	ok := s.object(func(key []byte) bool {
		switch string(key) {
		case "changes":
			return s.once(&seen, 1) && s.changes(&out.Changes)
		case "next":
			return s.once(&seen, 2) && s.uint(&out.Next)
		case "more":
			return s.once(&seen, 4) && s.bool(&out.More)
		case "manifest":
			if !s.once(&seen, 8) {
				return false
			}
			m := &Manifest{}
			out.Manifest = m
			var mseen uint8
			return s.object(func(key []byte) bool {
				switch string(key) {
				case "version":
					return s.once(&mseen, 1) && s.uint(&m.Version)
				case "blob":
					return s.once(&mseen, 2) && s.bytes(&m.Blob)
				}
				return false
			})
		}
		return false
	})
	if !ok || !s.end() {
		return false
	}
	*v = out
	return true
}

// changes reads a page's array of changes.
func (s *scanner) changes(v *[]Change) bool {
	if !s.next('[') {
		return false
	}
	out := make([]Change, 0, 64)
	if s.next(']') {
		*v = out
		return true
	}
	for {
		var ch Change
		var seen uint8
		ok := s.object(func(key []byte) bool {
			switch string(key) {
			case "id":
				return s.once(&seen, 1) && s.text(&ch.ID)
			case "rev":
				return s.once(&seen, 2) && s.uint(&ch.Rev)
			case "seq":
				return s.once(&seen, 4) && s.uint(&ch.Seq)
			case "blob":
				return s.once(&seen, 8) && s.bytes(&ch.Blob)
			case "deleted":
				return s.once(&seen, 16) && s.bool(&ch.Deleted)
			}
			return false
		})
		if !ok {
			return false
		}
		out = append(out, ch)
		if s.next(']') {
			*v = out
			return true
		}
		if !s.next(',') {
			return false
		}
	}
}

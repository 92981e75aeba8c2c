package protocol

import "cipherleaf.dev/shared/internal/jsonscan"

// Fast decoders for the bodies every sync sends and receives: a note write
// {"base_rev","blob"}, a batch {"ops":[…],"manifest"?}, its answer
// {"results":[…],"applied",…} (fastanswer.go) and a page of changes
// {"changes":[…],"next","more","manifest"?}. encoding/json spends
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

// DecodeFast decodes b into v when v is a *PutNoteRequest, *BatchRequest,
// *BatchResponse or *ChangesResponse and b is in the shape above, and
// reports whether it did; on false v is unchanged and the caller uses
// encoding/json.
func DecodeFast(b []byte, v any) bool {
	switch v := v.(type) {
	case *PutNoteRequest:
		return fastPutNote(b, v)
	case *BatchRequest:
		return fastBatch(b, v)
	case *BatchResponse:
		return fastBatchResponse(b, v)
	case *ChangesResponse:
		return fastChanges(b, v)
	}
	return false
}

// fastPutNote decodes b into v if b is in the shape above.
func fastPutNote(b []byte, v *PutNoteRequest) bool {
	s := scanner{jsonscan.New(b)}
	var out PutNoteRequest
	var seen jsonscan.Seen
	ok := s.Object(func(key []byte) bool {
		switch string(key) {
		case "base_rev":
			return seen.Once(1) && s.Uint(&out.BaseRev)
		case "blob":
			return seen.Once(2) && s.Bytes(&out.Blob)
		}
		return false
	})
	if !ok || !s.End() {
		return false
	}
	*v = out
	return true
}

// fastBatch decodes b into v if b is in the shape above.
func fastBatch(b []byte, v *BatchRequest) bool {
	s := scanner{jsonscan.New(b)}
	// The blobs, nearly all of a push batch's bytes, decode into one
	// allocation: their base64 is less than b, so 3/4 of b holds them.
	s.UseArena(len(b) / 4 * 3)
	var out BatchRequest
	var seen jsonscan.Seen
	ok := s.Object(func(key []byte) bool {
		switch string(key) {
		case "ops":
			return seen.Once(1) && s.ops(&out.Ops)
		case "manifest":
			if !seen.Once(2) {
				return false
			}
			m := &PutManifestRequest{}
			out.Manifest = m
			var mseen jsonscan.Seen
			return s.Object(func(key []byte) bool {
				switch string(key) {
				case "base_version":
					return mseen.Once(1) && s.Uint(&m.BaseVersion)
				case "blob":
					return mseen.Once(2) && s.Bytes(&m.Blob)
				case "base_hash":
					if !mseen.Once(4) {
						return false
					}
					src, ok := s.Plain()
					m.BaseHash = string(src)
					return ok
				}
				return false
			})
		}
		return false
	})
	if !ok || !s.End() {
		return false
	}
	*v = out
	return true
}

// scanner reads the bodies above; ops, changes and text are theirs.
type scanner struct{ jsonscan.Scanner }

// text reads a string value.
func (s *scanner) text(v *string) bool {
	src, ok := s.Plain()
	if !ok {
		return false
	}
	switch string(src) { // the op names and statuses, without an allocation
	case OpPut:
		*v = OpPut
	case OpDelete:
		*v = OpDelete
	case StatusOK:
		*v = StatusOK
	case StatusConflict:
		*v = StatusConflict
	default:
		*v = string(src)
	}
	return true
}

// ops reads the batch's array of operations.
func (s *scanner) ops(v *[]BatchOp) bool {
	ops := make([]BatchOp, 0, 16)
	ok := s.Array(func() bool {
		var op BatchOp
		var seen jsonscan.Seen
		ok := s.Object(func(key []byte) bool {
			switch string(key) {
			case "op":
				return seen.Once(1) && s.text(&op.Op)
			case "id":
				return seen.Once(2) && s.text(&op.ID)
			case "base_rev":
				return seen.Once(4) && s.Uint(&op.BaseRev)
			case "blob":
				return seen.Once(8) && s.Bytes(&op.Blob)
			}
			return false
		})
		ops = append(ops, op)
		return ok
	})
	if ok {
		*v = ops
	}
	return ok
}

// fastChanges decodes b into v if b is in the shape above.
func fastChanges(b []byte, v *ChangesResponse) bool {
	s := scanner{jsonscan.New(b)}
	// A page's blobs decode into one allocation too (see fastBatch): a
	// pull keeps them all until its transaction, and drops them together.
	s.UseArena(len(b) / 4 * 3)
	var out ChangesResponse
	var seen jsonscan.Seen
	ok := s.Object(func(key []byte) bool {
		switch string(key) {
		case "changes":
			return seen.Once(1) && s.changes(&out.Changes)
		case "next":
			return seen.Once(2) && s.Uint(&out.Next)
		case "more":
			return seen.Once(4) && s.Bool(&out.More)
		case "manifest":
			return seen.Once(8) && s.manifest(&out.Manifest)
		}
		return false
	})
	if !ok || !s.End() {
		return false
	}
	*v = out
	return true
}

// changes reads a page's array of changes.
func (s *scanner) changes(v *[]Change) bool {
	out := make([]Change, 0, 64)
	ok := s.Array(func() bool {
		var ch Change
		var seen jsonscan.Seen
		ok := s.Object(func(key []byte) bool {
			switch string(key) {
			case "id":
				return seen.Once(1) && s.text(&ch.ID)
			case "rev":
				return seen.Once(2) && s.Uint(&ch.Rev)
			case "seq":
				return seen.Once(4) && s.Uint(&ch.Seq)
			case "blob":
				return seen.Once(8) && s.Bytes(&ch.Blob)
			case "deleted":
				return seen.Once(16) && s.Bool(&ch.Deleted)
			}
			return false
		})
		out = append(out, ch)
		return ok
	})
	if ok {
		*v = out
	}
	return ok
}

// manifest reads a {"version","blob"} object into a new *m.
func (s *scanner) manifest(m **Manifest) bool {
	*m = &Manifest{}
	var seen jsonscan.Seen
	return s.Object(func(key []byte) bool {
		switch string(key) {
		case "version":
			return seen.Once(1) && s.Uint(&(*m).Version)
		case "blob":
			return seen.Once(2) && s.Bytes(&(*m).Blob)
		}
		return false
	})
}

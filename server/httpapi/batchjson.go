package httpapi

import (
	"encoding/json"
	"strconv"

	"cipherleaf.dev/shared/protocol"
)

// appendBatchResponse appends r as encoding/json writes it (the same
// bytes: TestAppendBatchResponse, FuzzAppendBatchResponse), without
// reflection: the answer to a push batch is 1,000 results of a few plain
// fields. The rare parts (a conflict's current state, the manifest, an id
// that would need escaping) go through encoding/json.
func appendBatchResponse(b []byte, r *protocol.BatchResponse) ([]byte, error) {
	b = append(b, `{"results":`...)
	if r.Results == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Results {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendBatchResult(b, &r.Results[i]); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	}
	b = append(b, `,"applied":`...)
	b = strconv.AppendBool(b, r.Applied)
	if r.Manifest != nil {
		b = append(b, `,"manifest":`...)
		m, err := json.Marshal(r.Manifest)
		if err != nil {
			return nil, err
		}
		b = append(b, m...)
	}
	if r.BaseHashChecked {
		b = append(b, `,"base_hash_checked":true`...)
	}
	return append(b, '}'), nil
}

func appendBatchResult(b []byte, r *protocol.BatchResult) ([]byte, error) {
	if r.Current != nil || !plainJSON(r.ID) || !plainJSON(r.Status) {
		m, err := json.Marshal(r)
		return append(b, m...), err
	}
	b = append(b, `{"id":"`...)
	b = append(b, r.ID...)
	b = append(b, `","status":"`...)
	b = append(b, r.Status...)
	b = append(b, '"')
	if r.Rev != 0 {
		b = append(b, `,"rev":`...)
		b = strconv.AppendUint(b, r.Rev, 10)
	}
	if r.Seq != 0 {
		b = append(b, `,"seq":`...)
		b = strconv.AppendUint(b, r.Seq, 10)
	}
	return append(b, '}'), nil
}

// plainJSON reports whether s is written inside JSON quotes as it is by
// encoding/json (printable ASCII, nothing it escapes).
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= 0x80, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

package note

import (
	"encoding/json"
	"time"

	"cipherleaf.dev/shared/internal/jsonscan"
)

// decodeField is json.Unmarshal(raw, dst) for one member of a payload that
// json.Unmarshal has already read as valid JSON, without reflection for
// the common fields: a string is unquoted here exactly as encoding/json
// unquotes it, a time goes straight to time.Time.UnmarshalJSON (which is
// what encoding/json calls for any value of that type). Decoding each
// note's payload was a fifth of a pull's client CPU. Anything else, and
// any string this does not take, goes to json.Unmarshal;
// FuzzDecodeFieldMatchesJSON compares the two.
func decodeField(raw json.RawMessage, dst any) error {
	switch d := dst.(type) {
	case *string:
		if s, ok := jsonscan.Unquote(raw); ok {
			*d = s
			return nil
		}
	case *time.Time:
		return d.UnmarshalJSON(raw)
	}
	return json.Unmarshal(raw, dst)
}

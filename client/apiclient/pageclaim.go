package apiclient

import "bytes"

// pageClaim reads the "next" and "more" members of a page of changes
// without decoding it: the last occurrence of each key, the way the
// server writes them (after the changes, whose strings are base64 and
// UUIDs, which hold no quote). Whatever it returns is a hint to fetch the
// next page early; the decoded page decides.
func pageClaim(body []byte) (next uint64, more, ok bool) {
	i := bytes.LastIndex(body, []byte(`"next":`))
	j := bytes.LastIndex(body, []byte(`"more":`))
	if i < 0 || j < 0 {
		return 0, false, false
	}
	digits := body[i+len(`"next":`):]
	n := 0
	for ; n < len(digits) && '0' <= digits[n] && digits[n] <= '9'; n++ {
		d := uint64(digits[n] - '0')
		if next > (1<<64-1-d)/10 {
			return 0, false, false // past a uint64
		}
		next = next*10 + d
	}
	if n == 0 {
		return 0, false, false
	}
	switch rest := body[j+len(`"more":`):]; {
	case bytes.HasPrefix(rest, []byte("true")):
		return next, true, true
	case bytes.HasPrefix(rest, []byte("false")):
		return next, false, true
	}
	return 0, false, false
}

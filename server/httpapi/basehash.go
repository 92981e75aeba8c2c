package httpapi

import "encoding/hex"

// baseHash reads an atomic batch's manifest base_hash (SPEC §7.3): nil for
// "" (compare the version alone), else the 32 bytes of 64 lowercase hex
// digits; anything else is a bad request.
func baseHash(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	if len(s) != 64 {
		return nil, badRequest("base_hash must be 64 lowercase hex digits")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return nil, badRequest("base_hash must be 64 lowercase hex digits")
		}
	}
	return hex.DecodeString(s)
}

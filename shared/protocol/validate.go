package protocol

import (
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"
)

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)

// ErrInvalidUsername reports a username outside the rules of SPEC §7.
var ErrInvalidUsername = errors.New("username must be 3-64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit")

// ErrInvalidID reports an id that is not a canonical lowercase UUID.
var ErrInvalidID = errors.New("id must be a lowercase UUID")

// NormalizeUsername trims surrounding white space, lower-cases ASCII letters
// and checks the result against the rules. Non-ASCII input is refused before
// any case mapping: Unicode lower-casing would turn look-alikes such as the
// Kelvin sign "K" (U+212A) into "k".
func NormalizeUsername(name string) (string, error) {
	n := strings.TrimSpace(name)
	for i := 0; i < len(n); i++ {
		if n[i] >= utf8.RuneSelf {
			return "", ErrInvalidUsername
		}
	}
	n = strings.ToLower(n)
	if !usernameRE.MatchString(n) {
		return "", ErrInvalidUsername
	}
	return n, nil
}

// ValidUsername reports whether name is already normalized and valid.
func ValidUsername(name string) bool { return usernameRE.MatchString(name) }

// ValidID reports whether id is a canonical lowercase UUID: 36 bytes,
// hyphens at 8, 13, 18 and 23, lowercase hex digits elsewhere (any version
// and variant). It is checked byte by byte (a server checks every note id
// of a batch); the tests hold it equal to the regexp
// ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$.
func ValidID(id string) bool {
	if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' {
		return false
	}
	return lowerHex(id[:8]) && lowerHex(id[9:13]) && lowerHex(id[14:18]) && lowerHex(id[19:23]) && lowerHex(id[24:])
}

// lowerHex reports whether s is all lowercase hex digits.
func lowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLowerHex[s[i]] {
			return false
		}
	}
	return true
}

var isLowerHex = func() (t [256]bool) {
	for _, c := range "0123456789abcdef" {
		t[c] = true
	}
	return t
}()

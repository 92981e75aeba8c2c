package protocol

import (
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)
	noteIDRE   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

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

// ValidID reports whether id is a canonical lowercase UUID.
func ValidID(id string) bool { return noteIDRE.MatchString(id) }

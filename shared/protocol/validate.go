package protocol

import (
	"errors"
	"regexp"
	"strings"
)

var (
	usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)
	noteIDRE   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// ErrInvalidUsername reports a username outside the rules of SPEC §7.
var ErrInvalidUsername = errors.New("username must be 3-64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit")

// ErrInvalidID reports an id that is not a canonical lowercase UUID.
var ErrInvalidID = errors.New("id must be a lowercase UUID")

// NormalizeUsername lower-cases name and checks it against the rules.
func NormalizeUsername(name string) (string, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if !usernameRE.MatchString(n) {
		return "", ErrInvalidUsername
	}
	return n, nil
}

// ValidUsername reports whether name is already normalized and valid.
func ValidUsername(name string) bool { return usernameRE.MatchString(name) }

// ValidID reports whether id is a canonical lowercase UUID.
func ValidID(id string) bool { return noteIDRE.MatchString(id) }

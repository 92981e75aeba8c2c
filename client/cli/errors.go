package cli

import (
	"errors"
	"fmt"
	"strings"

	"cipherleaf.dev/client/core"
)

// usageError is a mistake in the command line; it is shown as is and exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// usagef returns a *usageError.
func usagef(format string, a ...any) error {
	return &usageError{msg: fmt.Sprintf(format, a...)}
}

// IsUsage reports whether err is a command-line mistake (exit status 2).
func IsUsage(err error) bool {
	var ue *usageError
	return errors.As(err, &ue)
}

// oneLine flattens s so a failure is exactly one line on stderr.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "failed"
	}
	return s
}

// cliError is a failure the CLI itself words (not the core's); shown as is.
type cliError struct{ msg string }

func (e *cliError) Error() string { return e.msg }

// words is the one line shown for err. The CLI's own errors carry their
// words; everything else goes through coreWords.
func (a *app) words(err error) string {
	var ue *usageError
	var ce *cliError
	switch {
	case errors.As(err, &ue):
		return ue.msg
	case errors.As(err, &ce):
		return ce.msg
	case errors.Is(err, core.ErrSessionExpired):
		return coreWords(err) + " " + signInAgainHint
	default:
		return coreWords(err)
	}
}

// signInAgainHint says how to sign in again from the command line.
const signInAgainHint = "Run: cipherleaf-cli login --server URL --user NAME (this profile's notes and unsynced edits are kept)."

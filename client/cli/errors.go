package cli

import (
	"errors"
	"fmt"
	"strings"
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
	default:
		return coreWords(err)
	}
}

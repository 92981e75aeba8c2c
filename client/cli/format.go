package cli

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"cipherleaf.dev/client/core"
)

// clean keeps a field on one line of a tab-separated row: tabs, newlines and
// other control characters become spaces.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// writeNotes prints one note a line: ID<TAB>TITLE<TAB>MODIFIED (RFC 3339,
// UTC)<TAB>NOTEBOOK (its path, empty at the root).
func writeNotes(w io.Writer, notes []core.NoteInfo) error {
	var b strings.Builder
	for _, n := range notes {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", n.ID, clean(n.Title), stamp(n.Modified), clean(n.NotebookPath))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

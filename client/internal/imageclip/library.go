//go:build !linux || !cgo

package imageclip

import (
	"fmt"
	"strings"
	"time"

	"golang.design/x/clipboard"
)

// New opens the system clipboard; a read waits at most timeout, and an
// image over max bytes is refused. It returns an error wrapping
// ErrUnavailable when there is none, and then image paste is simply not
// offered.
func New(timeout time.Duration, max int64) (*Clipboard, error) {
	if err := clipboard.Init(); err != nil {
		// The library's message is a page of install advice; its start
		// says what failed.
		first, _, _ := strings.Cut(err.Error(), "\n")
		first, _, _ = strings.Cut(first, ", and ")
		return nil, fmt.Errorf("open clipboard: %w (%s)", ErrUnavailable, first)
	}
	// The library reads the whole image before the size can be checked.
	return newClipboard(timeout, max, func() ([]byte, error) { return clipboard.Read(clipboard.FmtImage), nil }), nil
}

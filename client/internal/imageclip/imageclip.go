// Package imageclip reads an image from the system clipboard, which Fyne's
// clipboard cannot do (it carries text only). On Linux it asks the X11
// CLIPBOARD selection's owner for image/png itself (x11.go, through the
// libX11 the app links for its window anyway), including images handed
// over in pieces (INCR), which golang.design/x/clipboard v0.7.1 drops; on
// Windows (pure Go) and macOS (cgo) it uses golang.design/x/clipboard
// (library.go). It never touches the network.
//
// A read may wait on another program: the copying one answers it. Image
// therefore reads on its own goroutine and gives up after a timeout; an
// abandoned read keeps its place, so until it ends every later call fails
// at once instead of piling up goroutines behind it. An image larger than
// the limit given to New is refused (attach.ErrFileTooLarge) without being
// read further.
package imageclip

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"cipherleaf.dev/client/attach"
)

// Errors of New and Image; test them with errors.Is.
var (
	// ErrUnavailable: there is no system clipboard for images here (no X
	// display, or a build without cgo on Linux or macOS).
	ErrUnavailable = errors.New("no system clipboard for images")
	// ErrTimeout: the clipboard's owner did not answer in time, or an
	// earlier read it never answered is still waiting.
	ErrTimeout = errors.New("the clipboard did not answer")
	// ErrNotPNG: the clipboard offered an image that is not a PNG file.
	ErrNotPNG = errors.New("the clipboard's image is not a PNG")
)

// pngSignature starts every PNG file.
var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// Clipboard reads images from the system clipboard. Its methods may be
// called from any goroutine.
type Clipboard struct {
	timeout time.Duration
	max     int64
	read    func() ([]byte, error) // PNG data, or nil when there is no image
	// busy holds a token while a read runs, abandoned or not.
	busy chan struct{}
}

func newClipboard(timeout time.Duration, max int64, read func() ([]byte, error)) *Clipboard {
	return &Clipboard{timeout: timeout, max: max, read: read, busy: make(chan struct{}, 1)}
}

// Image returns the clipboard's image as PNG data, or nil and no error
// when the clipboard holds no image. It waits at most the timeout given
// to New (ErrTimeout), and refuses an image over New's limit with an
// error wrapping attach.ErrFileTooLarge.
func (c *Clipboard) Image() ([]byte, error) {
	select {
	case c.busy <- struct{}{}:
	default:
		return nil, fmt.Errorf("read clipboard image: %w (an earlier read is still waiting)", ErrTimeout)
	}
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-c.busy }()
		defer func() {
			// A malformed image from another program must not end the
			// app (the Windows conversion indexes what the header says).
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("read clipboard image: %v", r)}
			}
		}()
		data, err := c.read()
		done <- result{data: data, err: err}
	}()
	t := time.NewTimer(c.timeout)
	defer t.Stop()
	select {
	case r := <-done:
		switch {
		case r.err != nil:
			return nil, r.err
		case len(r.data) == 0:
			return nil, nil
		case int64(len(r.data)) > c.max:
			return nil, fmt.Errorf("read clipboard image: %w", attach.ErrFileTooLarge)
		case !bytes.HasPrefix(r.data, pngSignature):
			return nil, fmt.Errorf("read clipboard image: %w", ErrNotPNG)
		}
		return r.data, nil
	case <-t.C:
		return nil, fmt.Errorf("read clipboard image: %w after %v", ErrTimeout, c.timeout)
	}
}

// Package imageclip reads an image from the system clipboard, which Fyne's
// clipboard cannot do (it carries text only). It uses
// golang.design/x/clipboard: the X11 CLIPBOARD selection on Linux (cgo,
// loading libX11.so at run time), the Win32 clipboard on Windows (pure Go)
// and NSPasteboard on macOS (cgo). It never touches the network.
//
// The library can wait forever: on X11 a read asks the selection's owner,
// another program, for the image and waits for its answer. Image therefore
// reads on its own goroutine and gives up after a timeout; the abandoned
// read keeps the library's lock, so until it ends every later call fails
// at once instead of piling up goroutines behind it.
package imageclip

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.design/x/clipboard"
)

// Errors of New and Image; test them with errors.Is.
var (
	// ErrUnavailable: there is no system clipboard for images here (no X
	// display, no libX11.so, or a build without cgo on Linux or macOS).
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
	read    func() []byte // PNG data, or nil when there is no image
	// busy holds a token while a read runs, abandoned or not.
	busy chan struct{}
}

// New opens the system clipboard; reads wait at most timeout. It returns
// an error wrapping ErrUnavailable when there is none, and then image
// paste is simply not offered. (On X11 it opens the display named by
// $DISPLAY once, and closes it again.)
func New(timeout time.Duration) (*Clipboard, error) {
	if err := clipboard.Init(); err != nil {
		// The library's message is a page of install advice; its start
		// says what failed.
		first, _, _ := strings.Cut(err.Error(), "\n")
		first, _, _ = strings.Cut(first, ", and ")
		return nil, fmt.Errorf("open clipboard: %w (%s)", ErrUnavailable, first)
	}
	return newClipboard(timeout, func() []byte { return clipboard.Read(clipboard.FmtImage) }), nil
}

func newClipboard(timeout time.Duration, read func() []byte) *Clipboard {
	return &Clipboard{timeout: timeout, read: read, busy: make(chan struct{}, 1)}
}

// Image returns the clipboard's image as PNG data, or nil and no error
// when the clipboard holds no image. It waits at most the timeout given
// to New (ErrTimeout).
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
		done <- result{data: c.read()}
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
		case !bytes.HasPrefix(r.data, pngSignature):
			return nil, fmt.Errorf("read clipboard image: %w", ErrNotPNG)
		}
		return r.data, nil
	case <-t.C:
		return nil, fmt.Errorf("read clipboard image: %w after %v", ErrTimeout, c.timeout)
	}
}

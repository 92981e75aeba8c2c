// Package fynelog filters the one false alarm Fyne v2.7 logs on a normal
// run of the app, so a clean start and quit print nothing.
package fynelog

import (
	"bytes"
	"io"
	"sync"
)

// Filter passes the standard logger's output (where fyne.LogError
// writes) through to out, except for one known false alarm of Fyne v2.7:
//
//	Fyne error:  Preferences load error:
//	  Cause: EOF
//	  At: …/fyne/v2@v2.7.1/app/preferences.go:103
//
// Why it happens: on quit Fyne saves preferences.json by truncating and
// rewriting it in place (app/preferences_nonweb.go), while its own watcher
// of that folder reloads the file on every change. Once the event queue is
// drained at shutdown the watcher's callback runs at once on its own
// goroutine, so it can read the file between the truncation and the write
// and decode nothing: EOF. The save completes, nothing is lost, and the
// file exists whether or not it was created beforehand, so pre-creating it
// does not help; only the message is wrong. Every other message, and this
// one with any other cause, is passed on.
type Filter struct {
	mu     sync.Mutex
	out    io.Writer
	held   []byte // a "Preferences load error:" line waiting for its cause
	skipAt bool   // drop the next "At:" line of a dropped message
}

// New returns a Filter writing to out; install it with log.SetOutput.
func New(out io.Writer) *Filter { return &Filter{out: out} }

// Write gets one log entry per call (the log package guarantees it).
func (f *Filter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	line := bytes.TrimRight(p, "\n")
	switch {
	case f.held != nil && bytes.HasSuffix(line, []byte("  Cause: EOF")):
		f.held, f.skipAt = nil, true
		return len(p), nil
	case f.skipAt && bytes.Contains(line, []byte("  At: ")):
		f.skipAt = false
		return len(p), nil
	}
	f.skipAt = false
	if f.held != nil {
		held := f.held
		f.held = nil
		if _, err := f.out.Write(held); err != nil {
			return 0, err
		}
	}
	if bytes.HasSuffix(line, []byte("Fyne error:  Preferences load error:")) {
		f.held = bytes.Clone(p)
		return len(p), nil
	}
	return f.out.Write(p)
}

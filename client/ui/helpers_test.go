package ui

import (
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/note"
)

// testNow is the fixed "now" of the UI tests.
var testNow = time.Date(2025, 3, 14, 10, 30, 0, 0, time.UTC)

// fakeClock is a manual clock whose timers fire when it is advanced.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	c       *fakeClock
	at      time.Time
	f       func()
	stopped bool
}

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.stopped
	t.stopped = true
	return was
}

func newFakeClock() *fakeClock { return &fakeClock{now: testNow} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) interface{ Stop() bool } {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return t
}

func (c *fakeClock) after(d time.Duration, f func()) timer { return c.AfterFunc(d, f) }

// Advance moves the clock and runs, in the caller's goroutine, every timer
// that falls due (including ones those timers start).
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		var due *fakeTimer
		for _, t := range c.timers {
			if !t.stopped && !t.at.After(c.now) {
				due = t
				break
			}
		}
		if due != nil {
			due.stopped = true
		}
		c.mu.Unlock()
		if due == nil {
			return
		}
		due.f()
	}
}

// pendingTimers counts timers not yet fired or stopped.
func (c *fakeClock) pendingTimers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, t := range c.timers {
		if !t.stopped {
			n++
		}
	}
	return n
}

// harness is a UI on a fake core in a test app. Work the UI hands to "the
// UI thread" is queued and run on the test's goroutine by wait, as the real
// driver runs it on the main goroutine: widgets are only ever touched by one
// goroutine, and the race detector agrees.
type harness struct {
	t     *testing.T
	api   Core
	fake  *fakeAPI // api, when it is the fake
	clock *fakeClock
	app   fyne.App
	u     *UI

	mu    sync.Mutex
	queue []func()
	ready chan struct{} // signalled when queue gets work
}

func (h *harness) post(f func()) {
	h.mu.Lock()
	h.queue = append(h.queue, f)
	h.mu.Unlock()
	h.signal()
}

func (h *harness) signal() {
	select {
	case h.ready <- struct{}{}:
	default:
	}
}

func (h *harness) postAndWait(f func()) {
	done := make(chan struct{})
	h.post(func() {
		defer close(done)
		f()
	})
	<-done
}

// drain runs queued UI work and reports whether there was any.
func (h *harness) drain() bool {
	ran := false
	for {
		h.mu.Lock()
		if len(h.queue) == 0 {
			h.mu.Unlock()
			return ran
		}
		f := h.queue[0]
		h.queue = h.queue[1:]
		h.mu.Unlock()
		f()
		ran = true
	}
}

func newHarness(t *testing.T, api Core, opts Options) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	clock := newFakeClock()
	opts.Now = clock.Now
	opts.AfterFunc = clock.AfterFunc
	if opts.Size.IsZero() {
		opts.Size = fyne.NewSize(1100, 720)
	}
	u := New(a, api, opts)
	h := &harness{t: t, api: api, clock: clock, app: a, u: u, ready: make(chan struct{}, 1)}
	h.fake, _ = api.(*fakeAPI)
	u.do, u.doAndWait = h.post, h.postAndWait
	u.taskDone = h.signal
	t.Cleanup(func() {
		h.wait()
		u.shutdown()
		u.win.Close()
	})
	u.Show()
	h.wait()
	return h
}

// wait runs the UI work handed back by background tasks until none is
// left in flight, or fails the test after 10 s.
func (h *harness) wait() {
	h.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		h.drain()
		if h.u.inflight.Load() == 0 {
			if !h.drain() {
				return
			}
			continue
		}
		select {
		case <-h.ready:
		case <-deadline:
			h.t.Fatal("background work did not finish within 10s")
		}
	}
}

// advance moves the fake clock (firing due timers) and runs the UI work
// they post.
func (h *harness) advance(d time.Duration) {
	h.t.Helper()
	h.clock.Advance(d)
	h.wait()
}

// emit delivers a core event and runs the UI work it posts.
func (h *harness) emit(ev core.Event) {
	h.t.Helper()
	h.fake.emit(ev)
	h.wait()
}

func (h *harness) canvas() fyne.Canvas { return h.u.win.Canvas() }

// visit walks the visible objects of the window and its overlays.
func (h *harness) visit(fn func(fyne.CanvasObject)) {
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		fn(o)
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(h.canvas().Content())
	for _, o := range h.canvas().Overlays().List() {
		walk(o)
	}
}

// asButton is o's button, for plain and key-aware buttons.
func asButton(o fyne.CanvasObject) *widget.Button {
	switch b := o.(type) {
	case *widget.Button:
		return b
	case *keyButton:
		return &b.Button
	}
	return nil
}

// button finds the visible button with this text, failing the test if none.
func (h *harness) button(text string) *widget.Button {
	h.t.Helper()
	var found *widget.Button
	h.visit(func(o fyne.CanvasObject) {
		if b := asButton(o); b != nil && b.Text == text {
			found = b
		}
	})
	if found == nil {
		h.t.Fatalf("no visible button %q; texts on screen: %q", text, h.texts())
	}
	return found
}

// tap taps the visible, enabled button with this text.
func (h *harness) tap(text string) {
	h.t.Helper()
	b := h.button(text)
	if b.Disabled() {
		h.t.Fatalf("button %q is disabled; texts on screen: %q", text, h.texts())
	}
	test.Tap(b)
	h.wait()
}

// texts is every visible text on screen, in order.
func (h *harness) texts() []string {
	var out []string
	h.visit(func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *canvas.Text:
			if x.Text != "" {
				out = append(out, x.Text)
			}
		case *widget.Button, *keyButton:
			if b := asButton(x); b.Text != "" {
				out = append(out, "["+b.Text+"]")
			}
		}
	})
	return out
}

// shows reports whether some visible text contains s.
func (h *harness) shows(s string) bool {
	for _, t := range h.texts() {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

func (h *harness) mustShow(s string) {
	h.t.Helper()
	if !h.shows(s) {
		h.t.Fatalf("screen does not show %q; it shows %q", s, h.texts())
	}
}

// eventuallyShows runs the UI work handed back meanwhile until some
// visible text contains s, or fails the test after d: for what a core
// running on its own (auto-sync, live push) shows in its own time.
func (h *harness) eventuallyShows(s string, d time.Duration) {
	h.t.Helper()
	deadline := time.Now().Add(d)
	for {
		h.drain()
		if h.shows(s) {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("screen does not show %q within %v; it shows %q", s, d, h.texts())
		}
		time.Sleep(5 * time.Millisecond) // polling, bounded by the deadline
	}
}

func (h *harness) mustNotShow(s string) {
	h.t.Helper()
	if h.shows(s) {
		h.t.Fatalf("screen shows %q, want it absent", s)
	}
}

// shortcut presses a keyboard shortcut with the focus where it is.
func (h *harness) shortcut(s fyne.Shortcut) {
	h.t.Helper()
	if f, ok := h.canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
	} else {
		h.canvas().(fyne.Shortcutable).TypedShortcut(s)
	}
	h.wait()
}

// typeInto focuses e and types s.
func (h *harness) typeInto(e fyne.Focusable, s string) {
	h.canvas().Focus(e)
	test.Type(e, s)
	h.wait()
}

// sampleNotes adds three notes to api, the newest first in the list.
func sampleNotes(api *fakeAPI) (groceries, ideas, trip string) {
	groceries = api.add(note.Note{Title: "Groceries", Body: "Oat milk, lemons\nand bread", Tags: []string{"home"},
		Created: testNow.Add(-72 * time.Hour), Modified: testNow.Add(-10 * time.Minute)})
	ideas = api.add(note.Note{Title: "Ideas for the garden", Body: "# Garden\n\n- herbs by the door\n- a **bench**", Tags: []string{"garden", "plans", "spring", "outside"},
		Created: testNow.Add(-100 * time.Hour), Modified: testNow.Add(-26 * time.Hour)})
	trip = api.add(note.Note{Title: "Trip to Lisbon", Body: "Tram 28 early in the morning.", Tags: nil,
		Created: testNow.Add(-500 * time.Hour), Modified: testNow.Add(-400 * time.Hour)})
	return
}

// entry finds the visible text entry with this placeholder.
func (h *harness) entry(placeholder string) *entry {
	h.t.Helper()
	var found *entry
	h.visit(func(o fyne.CanvasObject) {
		if e, ok := o.(*entry); ok && e.PlaceHolder == placeholder {
			found = e
		}
	})
	if found == nil {
		h.t.Fatalf("no visible entry with placeholder %q; screen shows %q", placeholder, h.texts())
	}
	return found
}

// check finds the visible check box with this label.
func (h *harness) check(label string) *widget.Check {
	h.t.Helper()
	var found *widget.Check
	h.visit(func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok && c.Text == label {
			found = c
		}
	})
	if found == nil {
		h.t.Fatalf("no visible check %q; screen shows %q", label, h.texts())
	}
	return found
}

var fyneKeyReturn = fyne.KeyEvent{Name: fyne.KeyReturn}

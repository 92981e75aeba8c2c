package ui

import (
	"sync"
	"time"
)

// idleLock calls onIdle once no activity was seen for the timeout. Touch is
// cheap (it only records the time), so it can run on every keystroke; the
// timer re-arms itself for the remainder when it fires early.
type idleLock struct {
	now    func() time.Time
	after  afterFunc
	onIdle func() // called from the timer's goroutine

	mu      sync.Mutex
	timeout time.Duration // 0: never
	last    time.Time
	t       timer
	gen     int // bumped on every (re)start, so a stale timer does nothing
	holds   int // running tasks (export, import, sync) that keep it unlocked
}

// Hold keeps the lock off until the returned release is called (once); a
// task that runs for longer than the timeout is never cut short, and the
// timeout counts again from its end.
func (l *idleLock) Hold() (release func()) {
	l.mu.Lock()
	l.holds++
	l.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			l.holds--
			l.last = l.now()
			l.mu.Unlock()
		})
	}
}

func newIdleLock(now func() time.Time, after afterFunc, onIdle func()) *idleLock {
	if now == nil {
		now = time.Now
	}
	if after == nil {
		after = realAfterFunc
	}
	return &idleLock{now: now, after: after, onIdle: onIdle}
}

// Start (re)starts watching with the given timeout; 0 disables auto-lock.
func (l *idleLock) Start(timeout time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopLocked()
	l.timeout = timeout
	l.last = l.now()
	if timeout > 0 {
		gen := l.gen
		l.t = l.after(timeout, func() { l.fire(gen) })
	}
}

// Touch records activity.
func (l *idleLock) Touch() {
	l.mu.Lock()
	l.last = l.now()
	l.mu.Unlock()
}

// Stop stops watching (the app is locked or closing).
func (l *idleLock) Stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopLocked()
	l.timeout = 0
}

func (l *idleLock) stopLocked() {
	l.gen++
	if l.t != nil {
		l.t.Stop()
		l.t = nil
	}
}

func (l *idleLock) fire(gen int) {
	l.mu.Lock()
	if gen != l.gen || l.timeout <= 0 {
		l.mu.Unlock()
		return
	}
	left := l.timeout - l.now().Sub(l.last)
	if l.holds > 0 {
		left = l.timeout
	}
	if left > 0 {
		l.t = l.after(left, func() { l.fire(gen) })
		l.mu.Unlock()
		return
	}
	l.t = nil
	l.timeout = 0
	l.gen++
	l.mu.Unlock()
	l.onIdle()
}

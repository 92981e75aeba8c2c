// Package ratelimit throttles the unauthenticated endpoints per key (a
// client IP or a username): a token bucket (golang.org/x/time/rate) for the
// request rate, and a lockout that doubles after repeated failures.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Config sets the limits of a Limiter.
type Config struct {
	Rate        rate.Limit       // sustained requests per second per key
	Burst       int              // bucket size
	MaxFailures int              // failures before the first lockout (0: never lock out)
	BaseLockout time.Duration    // first lockout; each further failure doubles it
	MaxLockout  time.Duration    // cap on a lockout
	Now         func() time.Time // clock, time.Now if nil
}

type entry struct {
	lim         *rate.Limiter
	fails       int
	lockedUntil time.Time
	seen        time.Time
}

// Limiter keeps one bucket and failure count per key.
type Limiter struct {
	cfg   Config
	mu    sync.Mutex
	m     map[string]*entry
	calls int
}

// New returns a Limiter with cfg.
func New(cfg Config) *Limiter {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Limiter{cfg: cfg, m: make(map[string]*entry)}
}

func (l *Limiter) get(key string, now time.Time) *entry {
	l.calls++
	if l.calls%1024 == 0 {
		l.sweep(now)
	}
	e := l.m[key]
	if e == nil {
		e = &entry{lim: rate.NewLimiter(l.cfg.Rate, l.cfg.Burst)}
		l.m[key] = e
	}
	e.seen = now
	return e
}

// Allow takes one request for key. If it is refused, retryAfter says when
// to come back.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	now := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.get(key, now)
	if now.Before(e.lockedUntil) {
		return false, e.lockedUntil.Sub(now)
	}
	r := e.lim.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Minute
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// Locked reports whether key is locked out now, and for how long, without
// taking a request from its bucket.
func (l *Limiter) Locked(key string) (locked bool, retryAfter time.Duration) {
	now := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.m[key]
	if e == nil || !now.Before(e.lockedUntil) {
		return false, 0
	}
	return true, e.lockedUntil.Sub(now)
}

// Fail records a failed attempt (wrong credentials) for key; enough of
// them lock the key out, for longer each time.
func (l *Limiter) Fail(key string) {
	if l.cfg.MaxFailures <= 0 {
		return
	}
	now := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.get(key, now)
	e.fails++
	if over := e.fails - l.cfg.MaxFailures; over >= 0 {
		d := l.cfg.BaseLockout
		for i := 0; i < over && d < l.cfg.MaxLockout; i++ {
			d *= 2
		}
		d = min(d, l.cfg.MaxLockout)
		e.lockedUntil = now.Add(d)
	}
}

// Succeed clears key's failure count after a successful attempt.
func (l *Limiter) Succeed(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.m[key]; e != nil {
		e.fails = 0
	}
}

// sweep forgets keys idle long enough that they are back to a full bucket
// and no lockout, so memory stays bounded by the recently active keys.
func (l *Limiter) sweep(now time.Time) {
	idle := l.cfg.MaxLockout + time.Hour
	for k, e := range l.m {
		if now.Sub(e.seen) > idle && now.After(e.lockedUntil) {
			delete(l.m, k)
		}
	}
}

// Len is the number of keys tracked (for tests and metrics).
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.m)
}

package ratelimit

import (
	"sync"
	"time"
)

// SignInConfig sets the limits of a SignIn.
type SignInConfig struct {
	// PerSource limits one (account, source) pair: its rate and its
	// lockout after failures. An attacker at one source can lock out only
	// that pair, never the account.
	PerSource Config
	// Account counts failures of an account across every source. Once it
	// locks, only sources with a past success for the account may still
	// try: it bounds online guessing from many sources without locking the
	// owner's known sources out. Rate is ignored.
	Account Config
	// KnownFor is how long a success keeps its source known to the account.
	KnownFor time.Duration
	// MaxKnown is how many sources an account remembers (the most recent).
	MaxKnown int
	Now      func() time.Time // clock, time.Now if nil
}

// SignIn throttles proofs of an account's secret (login, recovery,
// re-checks of the auth key, second factors) by (account, source).
type SignIn struct {
	cfg     SignInConfig
	pair    *Limiter
	account *Limiter
	mu      sync.Mutex
	known   map[string]map[string]time.Time // account -> source -> last success
}

// NewSignIn returns a SignIn with cfg.
func NewSignIn(cfg SignInConfig) *SignIn {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxKnown <= 0 {
		cfg.MaxKnown = 16
	}
	cfg.PerSource.Now, cfg.Account.Now = cfg.Now, cfg.Now
	return &SignIn{cfg: cfg, pair: New(cfg.PerSource), account: New(cfg.Account), known: make(map[string]map[string]time.Time)}
}

func pairKey(account, source string) string { return account + "\x00" + source }

// Known reports whether source had a success for account within KnownFor.
func (s *SignIn) Known(account, source string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.known[account][source]
	return ok && s.cfg.Now().Sub(t) < s.cfg.KnownFor
}

// Allow takes one attempt of source at account. It is refused while the
// pair is locked out or over its rate, or while the account is locked
// and source is not known to it; retryAfter says when to come back.
func (s *SignIn) Allow(account, source string) (ok bool, retryAfter time.Duration) {
	if !s.Known(account, source) {
		if ok, retry := s.account.Locked(account); ok {
			return false, retry
		}
	}
	return s.pair.Allow(pairKey(account, source))
}

// Fail records a wrong secret from source for account.
func (s *SignIn) Fail(account, source string) {
	s.pair.Fail(pairKey(account, source))
	s.account.Fail(account)
}

// Succeed records a right secret: the pair's failures are cleared and
// source becomes known to account. The account-wide count is kept, so a
// guesser elsewhere stays slowed down.
func (s *SignIn) Succeed(account, source string) {
	s.pair.Succeed(pairKey(account, source))
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.known[account]
	if m == nil {
		m = make(map[string]time.Time)
		s.known[account] = m
	}
	m[source] = now
	for len(m) > s.cfg.MaxKnown {
		oldest, ot := "", now
		for k, t := range m {
			if !t.After(ot) {
				oldest, ot = k, t
			}
		}
		delete(m, oldest)
	}
}

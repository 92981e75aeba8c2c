package core

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"cipherleaf.dev/client/vault"
)

// tokenSaver persists refreshed tokens on its own goroutine. The API client
// calls save from the refresh that produced them; save only hands them off,
// so a refresh never waits for the vault, and the vault is never waited for
// by anything holding a lock of the API client. Only the newest pair is
// written (an older one is spent anyway).
type tokenSaver struct {
	v   *vault.Vault
	log *slog.Logger

	mu      sync.Mutex // guards next, running, idle, written
	next    *Tokens    // newest pair not yet written
	running bool
	idle    chan struct{} // closed when the writer stops; nil if no one waits
	// written is the refresh token of the pair sharedRefresh stored (or
	// adopted) under the profile's refresh lock: its save is skipped, as
	// writing it later could put it over a newer pair another process
	// stored since.
	written string
	spent   []string // the last refresh tokens sharedRefresh traded
}

// maxSpent is how many traded refresh tokens a tokenSaver remembers.
const maxSpent = 4

// trading records that refresh token rt is about to be spent.
func (s *tokenSaver) trading(rt string) {
	s.mu.Lock()
	if len(s.spent) == maxSpent {
		s.spent = s.spent[1:]
	}
	s.spent = append(s.spent, rt)
	s.mu.Unlock()
}

// isSpent reports whether this process traded refresh token rt.
func (s *tokenSaver) isSpent(rt string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Contains(s.spent, rt)
}

// stored records that the pair with refresh token rt is in the vault.
func (s *tokenSaver) stored(rt string) {
	s.mu.Lock()
	s.written = rt
	s.mu.Unlock()
}

// save queues t for writing and returns at once.
func (s *tokenSaver) save(t Tokens) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.Refresh != "" && t.Refresh == s.written {
		return
	}
	s.next = &t
	if !s.running {
		s.running = true
		go s.run()
	}
}

func (s *tokenSaver) run() {
	for {
		s.mu.Lock()
		t := s.next
		s.next = nil
		if t == nil {
			s.running = false
			if s.idle != nil {
				close(s.idle)
				s.idle = nil
			}
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		s.write(*t)
	}
}

// setTokens puts t in the account row a if a is of t's session
// (errOtherSession otherwise), adopting its session id.
func setTokens(a *accountRow, t Tokens) error {
	if t.SessionID != "" && a.SessionID != "" && t.SessionID != a.SessionID {
		return errOtherSession
	}
	a.AccessToken, a.RefreshToken = t.Access, t.Refresh
	if t.SessionID != "" {
		a.SessionID = t.SessionID
	}
	return nil
}

// write stores t in the account row of its session. Tokens of another
// session (a refresh of a session that a sign-in or a logout replaced since)
// are dropped.
func (s *tokenSaver) write(t Tokens) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.v.UpdateAccount(ctx, func(a *accountRow) error { return setTokens(a, t) })
	if err != nil {
		s.log.Debug("tokens not saved", "err", err)
	}
}

// flush waits until every queued pair is written (Close calls it).
func (s *tokenSaver) flush() {
	s.mu.Lock()
	if !s.running {
		s.mu.Unlock()
		return
	}
	if s.idle == nil {
		s.idle = make(chan struct{})
	}
	ch := s.idle
	s.mu.Unlock()
	<-ch
}

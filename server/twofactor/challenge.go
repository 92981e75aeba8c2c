package twofactor

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Challenge limits (SPEC §7.5).
const (
	ChallengeTTL      = 5 * time.Minute
	ChallengeMaxTries = 5
)

// ErrNoChallenge means a challenge is unknown, expired or spent.
var ErrNoChallenge = errors.New("no such two-factor challenge")

// Pending is the session a challenge names.
type Pending struct {
	UserID     int64
	DeviceName string
	expires    time.Time
	tries      int
}

// Challenges holds the open login challenges in memory, by SHA-256 of the
// token. mu guards m; no I/O happens under it.
type Challenges struct {
	now  func() time.Time
	rand io.Reader
	mu   sync.Mutex
	m    map[[32]byte]*Pending
}

// NewChallenges returns an empty set using clock now and randomness r.
func NewChallenges(now func() time.Time, r io.Reader) *Challenges {
	return &Challenges{now: now, rand: r, m: make(map[[32]byte]*Pending)}
}

// Open makes a challenge for a session of userID on deviceName and returns
// its token (32 random bytes, base64url).
func (c *Challenges) Open(userID int64, deviceName string) (string, error) {
	var b [32]byte
	if _, err := io.ReadFull(c.rand, b[:]); err != nil {
		return "", fmt.Errorf("make challenge: %w", err)
	}
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, p := range c.m {
		if !now.Before(p.expires) {
			delete(c.m, k)
		}
	}
	c.m[sha256.Sum256([]byte(tok))] = &Pending{UserID: userID, DeviceName: deviceName, expires: now.Add(ChallengeTTL)}
	return tok, nil
}

// Peek returns what the live challenge tok names, without spending it.
func (c *Challenges) Peek(tok string) (Pending, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.m[sha256.Sum256([]byte(tok))]
	if p == nil || !c.now().Before(p.expires) {
		return Pending{}, ErrNoChallenge
	}
	return *p, nil
}

// Spend removes tok after a right code: it cannot be used again. It
// reports false if another request spent it first.
func (c *Challenges) Spend(tok string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := sha256.Sum256([]byte(tok))
	if c.m[k] == nil {
		return false
	}
	delete(c.m, k)
	return true
}

// Fail counts a wrong code against tok; the last allowed try spends it.
func (c *Challenges) Fail(tok string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := sha256.Sum256([]byte(tok))
	if p := c.m[k]; p != nil {
		p.tries++
		if p.tries >= ChallengeMaxTries {
			delete(c.m, k)
		}
	}
}

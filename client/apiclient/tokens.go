package apiclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"cipherleaf.dev/shared/protocol"
)

// tokenState holds the session's tokens. gen counts token changes so that
// concurrent 401s on the same access token trigger a single refresh: whoever
// holds sem refreshes, the others find gen moved on and just retry.
type tokenState struct {
	mu   sync.Mutex // guards tok, gen, dead
	tok  Tokens
	gen  uint64
	dead bool // the refresh token was refused; only a new login helps

	sem chan struct{} // one refresh at a time
}

func (s *tokenState) init(t Tokens) {
	s.tok = t
	s.sem = make(chan struct{}, 1)
}

// snapshot returns the current access token and its generation.
func (s *tokenState) snapshot() (string, uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tok.Access, s.gen
}

// Tokens returns the current tokens.
func (c *Client) Tokens() Tokens {
	c.tokens.mu.Lock()
	defer c.tokens.mu.Unlock()
	return c.tokens.tok
}

// setTokens installs the tokens of a login response and tells OnTokens.
func (c *Client) setTokens(r *protocol.LoginResponse) {
	c.tokens.mu.Lock()
	c.tokens.tok = Tokens{Access: r.AccessToken, Refresh: r.RefreshToken, SessionID: r.SessionID, UserID: r.UserID}
	c.tokens.gen++
	c.tokens.dead = false
	t := c.tokens.tok
	c.tokens.mu.Unlock()
	if c.onTokens != nil {
		c.onTokens(t)
	}
}

// clearTokens forgets the session (after logout).
func (c *Client) clearTokens() {
	c.tokens.mu.Lock()
	defer c.tokens.mu.Unlock()
	c.tokens.tok = Tokens{}
	c.tokens.gen++
	c.tokens.dead = true
}

// refresh trades the refresh token for a new pair unless the tokens already
// changed since generation seen (another goroutine refreshed). Refresh
// tokens are single use and presenting a spent one revokes the session, so
// a refused refresh marks the state dead instead of trying again.
func (c *Client) refresh(ctx context.Context, seen uint64) error {
	select {
	case c.tokens.sem <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("refresh session: %w", ctx.Err())
	}
	defer func() { <-c.tokens.sem }()

	c.tokens.mu.Lock()
	gen, dead, rt := c.tokens.gen, c.tokens.dead, c.tokens.tok.Refresh
	c.tokens.mu.Unlock()
	switch {
	case gen != seen:
		return nil
	case dead || rt == "":
		return ErrSessionExpired
	}

	var out protocol.LoginResponse
	err := c.do(ctx, call{
		method: http.MethodPost, path: "/auth/refresh",
		body: protocol.RefreshRequest{RefreshToken: rt}, out: &out, once: true,
	})
	var ae *protocol.APIError
	if errors.As(err, &ae) && (ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden) {
		c.tokens.mu.Lock()
		if c.tokens.gen == seen {
			c.tokens.dead = true
		}
		c.tokens.mu.Unlock()
		return ErrSessionExpired
	}
	if err != nil {
		return fmt.Errorf("refresh session: %w", err)
	}
	if out.AccessToken == "" || out.RefreshToken == "" {
		return fmt.Errorf("refresh session: %w: no tokens in answer", ErrBadResponse)
	}
	c.setTokens(&out)
	return nil
}

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
// concurrent 401s on the same access token trigger a single refresh: the
// first starts it (flight), the others wait for that one, and a 401 seen
// on an access token older than the current one just retries.
//
// Refresh tokens are single use, and presenting a spent one makes the
// server revoke the session (reuse detection). So a refresh runs on its own
// goroutine with its own deadline, detached from the caller who started
// it: a caller that gives up (a cancelled sync, a closed app) never cuts a
// refresh off after the server rotated the token but before the new pair
// was installed, and no later refresh can present the spent one.
type tokenState struct {
	mu     sync.Mutex // guards tok, gen, dead, flight; never held across I/O
	tok    Tokens
	gen    uint64
	dead   bool           // the refresh token was refused; only a new login helps
	flight *refreshFlight // the refresh in progress; nil if none

	// saveMu orders the OnTokens calls as the tokens changed: it is taken
	// under mu and released after OnTokens returns (order: mu, then saveMu).
	saveMu sync.Mutex
}

// refreshFlight is one refresh; done closes when err is set.
type refreshFlight struct {
	done chan struct{}
	err  error
}

func (s *tokenState) init(t Tokens) { s.tok = t }

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

// install makes t the current tokens and tells OnTokens, in the order the
// tokens changed. The caller holds c.tokens.mu; install releases it.
func (c *Client) install(t Tokens) {
	c.tokens.tok = t
	c.tokens.gen++
	c.tokens.dead = false
	c.tokens.saveMu.Lock()
	c.tokens.mu.Unlock()
	defer c.tokens.saveMu.Unlock()
	if c.onTokens != nil {
		c.onTokens(t)
	}
}

// setTokens installs the tokens of a login response and tells OnTokens.
func (c *Client) setTokens(r *protocol.LoginResponse) {
	c.tokens.mu.Lock()
	c.install(Tokens{Access: r.AccessToken, Refresh: r.RefreshToken, SessionID: r.SessionID, UserID: r.UserID})
}

// clearTokens forgets the session (after logout).
func (c *Client) clearTokens() {
	c.tokens.mu.Lock()
	defer c.tokens.mu.Unlock()
	c.tokens.tok = Tokens{}
	c.tokens.gen++
	c.tokens.dead = true
}

// refresh makes sure the tokens moved on from generation seen: it returns
// at once if they already did (another caller refreshed), else it joins the
// refresh in flight or starts one, and waits for it or for ctx. A refused
// refresh marks the state dead instead of trying again.
func (c *Client) refresh(ctx context.Context, seen uint64) error {
	c.tokens.mu.Lock()
	switch {
	case c.tokens.gen != seen:
		c.tokens.mu.Unlock()
		return nil
	case c.tokens.dead || c.tokens.tok.Refresh == "":
		c.tokens.mu.Unlock()
		return ErrSessionExpired
	}
	f := c.tokens.flight
	if f == nil {
		f = &refreshFlight{done: make(chan struct{})}
		c.tokens.flight = f
		go c.runRefresh(f, seen, c.tokens.tok)
	}
	c.tokens.mu.Unlock()
	select {
	case <-f.done:
		return f.err
	case <-ctx.Done():
		return fmt.Errorf("refresh session: %w", ctx.Err())
	}
}

// runRefresh trades the refresh token of held (generation seen) for a new
// pair, through Config.Refresh when set, bounded by its own deadline, and
// ends flight f.
func (c *Client) runRefresh(f *refreshFlight, seen uint64, held Tokens) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*c.timeout)
	defer cancel()
	trade := func(ctx context.Context) (Tokens, error) { return c.trade(ctx, held.Refresh) }
	var t Tokens
	var err error
	if c.refresher != nil {
		t, err = c.refresher(ctx, held, trade)
		if err == nil && (t.Access == "" || t.Refresh == "") {
			err = fmt.Errorf("refresh session: %w: no tokens", ErrBadResponse)
		}
	} else {
		t, err = trade(ctx)
	}
	c.tokens.mu.Lock()
	c.tokens.flight = nil
	f.err = err
	defer close(f.done) // after OnTokens: a waiter returns with the pair handed off
	switch {
	case c.tokens.gen != seen: // a login replaced the session meanwhile
		c.tokens.mu.Unlock()
	case errors.Is(err, ErrSessionExpired):
		c.tokens.dead = true
		c.tokens.mu.Unlock()
	case err != nil:
		c.tokens.mu.Unlock()
	default:
		c.install(t)
	}
}

// trade spends refresh token rt with the server (POST /auth/refresh) and
// returns the new pair. A refused token is ErrSessionExpired.
func (c *Client) trade(ctx context.Context, rt string) (Tokens, error) {
	var out protocol.LoginResponse
	err := c.do(ctx, call{
		method: http.MethodPost, path: "/auth/refresh",
		body: protocol.RefreshRequest{RefreshToken: rt}, out: &out, once: true,
	})
	var ae *protocol.APIError
	switch {
	case errors.As(err, &ae) && (ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden):
		return Tokens{}, ErrSessionExpired
	case err != nil:
		return Tokens{}, fmt.Errorf("refresh session: %w", err)
	case out.AccessToken == "" || out.RefreshToken == "":
		return Tokens{}, fmt.Errorf("refresh session: %w: no tokens in answer", ErrBadResponse)
	}
	return Tokens{Access: out.AccessToken, Refresh: out.RefreshToken, SessionID: out.SessionID, UserID: out.UserID}, nil
}

// WaitRefresh waits for a refresh in flight to end, or for ctx. A program
// that exits while one is in flight loses the new pair its old refresh
// token was traded for; Close paths call this first.
func (c *Client) WaitRefresh(ctx context.Context) {
	c.tokens.mu.Lock()
	f := c.tokens.flight
	c.tokens.mu.Unlock()
	if f == nil {
		return
	}
	select {
	case <-f.done:
	case <-ctx.Done():
	}
	c.tokens.saveMu.Lock() // OnTokens of that refresh has returned
	c.tokens.saveMu.Unlock()
}

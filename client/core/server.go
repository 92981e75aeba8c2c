package core

import (
	"context"
	"fmt"
	"slices"

	"cipherleaf.dev/shared/protocol"
)

// ProbeServer fetches a server's certificate fingerprint (trust on first
// use: show it and let the user accept it) and checks its API version.
func (c *Core) ProbeServer(ctx context.Context, serverURL string) (ServerInfo, error) {
	fp, public, err := c.cfg.Probe(ctx, serverURL)
	if err != nil {
		return ServerInfo{}, classify("probe server", err)
	}
	pin := fp
	if public {
		pin = ""
	}
	if _, err := c.dialChecked(ctx, "probe server", serverURL, pin); err != nil {
		return ServerInfo{}, err
	}
	return ServerInfo{URL: serverURL, Fingerprint: fp, PublicTrusted: public}, nil
}

// dialChecked connects to a server without tokens and checks that it speaks
// this client's API version.
func (c *Core) dialChecked(ctx context.Context, op, serverURL, pin string) (Remote, error) {
	r, err := c.cfg.Dial(c.remoteConfig(serverURL, pin, Tokens{}))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if err := checkHealth(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

func checkHealth(ctx context.Context, r Remote) error {
	h, err := r.Health(ctx)
	if err != nil {
		return classify("check server", err)
	}
	if !slices.Contains(h.API, protocol.APIVersion) {
		return ErrServerTooNew
	}
	return nil
}

// client returns the API client of the stored account, dialing it once.
func (c *Core) client() (Remote, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.remote != nil {
		return c.remote, nil
	}
	if c.acct == nil {
		return nil, ErrNoAccount
	}
	a := c.acct
	r, err := c.cfg.Dial(c.remoteConfig(a.ServerURL, a.Pin, Tokens{Access: a.AccessToken, Refresh: a.RefreshToken, SessionID: a.SessionID, UserID: a.UserID}))
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	c.remote = r
	return r, nil
}

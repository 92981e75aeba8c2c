package apiclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"cipherleaf.dev/shared/protocol"
)

// Health asks GET /healthz (outside the /api/v1 prefix) which API versions
// the server speaks.
func (c *Client) Health(ctx context.Context) (*protocol.HealthResponse, error) {
	var out protocol.HealthResponse
	if err := c.do(ctx, call{method: http.MethodGet, path: "/healthz", root: true, out: &out}); err != nil {
		return nil, fmt.Errorf("check server health: %w", err)
	}
	return &out, nil
}

// Params fetches the KDF parameters of username (SPEC §7.1). The server
// answers stable decoys for unknown names.
func (c *Client) Params(ctx context.Context, username string) (*protocol.KDF, error) {
	var out protocol.ParamsResponse
	err := c.do(ctx, call{method: http.MethodPost, path: "/auth/params",
		body: protocol.ParamsRequest{Username: username}, out: &out})
	if err != nil {
		return nil, fmt.Errorf("fetch login parameters: %w", err)
	}
	return &out.KDF, nil
}

// Register creates an account and signs this device in.
func (c *Client) Register(ctx context.Context, req protocol.RegisterRequest) (*protocol.LoginResponse, error) {
	out, err := c.login(ctx, "/auth/register", req)
	if err != nil {
		return nil, fmt.Errorf("register: %w", err)
	}
	return out, nil
}

// Login opens a session for this device.
func (c *Client) Login(ctx context.Context, req protocol.LoginRequest) (*protocol.LoginResponse, error) {
	out, err := c.login(ctx, "/auth/login", req)
	if err != nil {
		return nil, fmt.Errorf("log in: %w", err)
	}
	return out, nil
}

// Recover sets a new password with the recovery key and signs this device in.
// The server revokes every other session.
func (c *Client) Recover(ctx context.Context, req protocol.RecoverRequest) (*protocol.LoginResponse, error) {
	out, err := c.login(ctx, "/auth/recover", req)
	if err != nil {
		return nil, fmt.Errorf("recover account: %w", err)
	}
	return out, nil
}

// login posts a request answered by a login response and installs its tokens.
func (c *Client) login(ctx context.Context, path string, req any) (*protocol.LoginResponse, error) {
	var out protocol.LoginResponse
	if err := c.do(ctx, call{method: http.MethodPost, path: path, body: req, out: &out, once: true}); err != nil {
		return nil, err
	}
	if out.TwoFactor != nil && path == "/auth/login" {
		if out.TwoFactor.Challenge == "" {
			return nil, fmt.Errorf("%w: empty two-factor challenge", ErrBadResponse)
		}
		return &out, nil // no tokens until the challenge is answered (SPEC §7.5)
	}
	if out.AccessToken == "" || out.RefreshToken == "" {
		return nil, fmt.Errorf("%w: no tokens in answer", ErrBadResponse)
	}
	c.setTokens(&out)
	return &out, nil
}

// Recovery fetches the recovery-wrapped key bundle.
func (c *Client) Recovery(ctx context.Context, req protocol.RecoveryRequest) (*protocol.RecoveryResponse, error) {
	var out protocol.RecoveryResponse
	if err := c.do(ctx, call{method: http.MethodPost, path: "/auth/recovery", body: req, out: &out}); err != nil {
		return nil, fmt.Errorf("fetch recovery bundle: %w", err)
	}
	return &out, nil
}

// Logout revokes this session and forgets the tokens. A session the server
// already dropped counts as logged out.
func (c *Client) Logout(ctx context.Context) error {
	err := c.do(ctx, call{method: http.MethodPost, path: "/auth/logout", auth: true, once: true})
	if err != nil && !errors.Is(err, ErrSessionExpired) {
		return fmt.Errorf("log out: %w", err)
	}
	c.clearTokens()
	return nil
}

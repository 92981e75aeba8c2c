package apiclient

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"cipherleaf.dev/shared/protocol"
)

// Sessions lists the account's signed-in devices.
func (c *Client) Sessions(ctx context.Context) ([]protocol.Session, error) {
	var out protocol.SessionsResponse
	if err := c.do(ctx, call{method: http.MethodGet, path: "/sessions", auth: true, out: &out}); err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return out.Sessions, nil
}

// RevokeSession signs one device out.
func (c *Client) RevokeSession(ctx context.Context, id string) error {
	if id == "" {
		return fmt.Errorf("revoke session: empty id")
	}
	err := c.do(ctx, call{method: http.MethodDelete, path: "/sessions/" + url.PathEscape(id), auth: true})
	if err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

// RevokeOtherSessions signs every device but this one out.
func (c *Client) RevokeOtherSessions(ctx context.Context) error {
	if err := c.do(ctx, call{method: http.MethodDelete, path: "/sessions", auth: true}); err != nil {
		return fmt.Errorf("revoke other sessions: %w", err)
	}
	return nil
}

// ChangePassword re-keys the account's password; the server revokes every
// other session. A 401 that survives a token refresh is a wrong old password
// and comes back as *protocol.APIError.
func (c *Client) ChangePassword(ctx context.Context, req protocol.PasswordRequest) error {
	err := c.do(ctx, call{method: http.MethodPost, path: "/account/password", body: req,
		auth: true, bodyCreds: true, once: true})
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	return nil
}

// Keys fetches the account's key bundle and the rotation successors.
func (c *Client) Keys(ctx context.Context) (*protocol.KeysResponse, error) {
	var out protocol.KeysResponse
	if err := c.do(ctx, call{method: http.MethodGet, path: "/account/keys", auth: true, out: &out}); err != nil {
		return nil, fmt.Errorf("fetch account keys: %w", err)
	}
	return &out, nil
}

// PutKeys publishes a rotated key bundle.
func (c *Client) PutKeys(ctx context.Context, req protocol.KeysRequest) error {
	err := c.do(ctx, call{method: http.MethodPut, path: "/account/keys", body: req, auth: true, bodyCreds: true})
	if err != nil {
		return fmt.Errorf("publish account keys: %w", err)
	}
	return nil
}

// SetRecovery replaces the account's recovery key (SPEC §7.2); the old one
// stops working. A 401 that survives a token refresh is a wrong auth key
// and comes back as *protocol.APIError.
func (c *Client) SetRecovery(ctx context.Context, req protocol.RecoveryKeyRequest) error {
	err := c.do(ctx, call{method: http.MethodPut, path: "/account/recovery", body: req, auth: true, bodyCreds: true})
	if err != nil {
		return fmt.Errorf("replace recovery key: %w", err)
	}
	return nil
}

// DeleteAccount deletes the account, its notes and sessions.
func (c *Client) DeleteAccount(ctx context.Context, req protocol.DeleteAccountRequest) error {
	err := c.do(ctx, call{method: http.MethodDelete, path: "/account", body: req,
		auth: true, bodyCreds: true, once: true})
	if err != nil {
		return fmt.Errorf("delete account: %w", err)
	}
	c.clearTokens()
	return nil
}

package apiclient

import (
	"context"
	"fmt"
	"net/http"

	"cipherleaf.dev/shared/protocol"
)

// LoginTwoFactor answers a login's two-factor challenge with a code and,
// when it is right, installs the new session's tokens (SPEC §7.5).
func (c *Client) LoginTwoFactor(ctx context.Context, req protocol.TwoFactorLoginRequest) (*protocol.LoginResponse, error) {
	out, err := c.login(ctx, "/auth/login/2fa", req)
	if err != nil {
		return nil, fmt.Errorf("answer two-factor challenge: %w", err)
	}
	return out, nil
}

// TwoFactorStatus reports whether the account has 2FA on.
func (c *Client) TwoFactorStatus(ctx context.Context) (*protocol.TwoFactorStatus, error) {
	var out protocol.TwoFactorStatus
	if err := c.do(ctx, call{method: http.MethodGet, path: "/account/2fa", auth: true, out: &out}); err != nil {
		return nil, fmt.Errorf("read two-factor status: %w", err)
	}
	return &out, nil
}

// TwoFactorEnrol starts enrolment: a new secret and its otpauth:// URI.
func (c *Client) TwoFactorEnrol(ctx context.Context, req protocol.TwoFactorEnrolRequest) (*protocol.TwoFactorEnrolResponse, error) {
	var out protocol.TwoFactorEnrolResponse
	if err := c.do(ctx, call{method: http.MethodPost, path: "/account/2fa/enrol", body: req, out: &out,
		auth: true, bodyCreds: true, once: true}); err != nil {
		return nil, fmt.Errorf("start two-factor enrolment: %w", err)
	}
	return &out, nil
}

// TwoFactorConfirm completes enrolment with a code and returns the ten
// recovery codes.
func (c *Client) TwoFactorConfirm(ctx context.Context, req protocol.TwoFactorConfirmRequest) ([]string, error) {
	var out protocol.TwoFactorConfirmResponse
	if err := c.do(ctx, call{method: http.MethodPost, path: "/account/2fa/confirm", body: req, out: &out,
		auth: true, once: true}); err != nil {
		return nil, fmt.Errorf("confirm two-factor enrolment: %w", err)
	}
	return out.RecoveryCodes, nil
}

// TwoFactorDisable turns 2FA off.
func (c *Client) TwoFactorDisable(ctx context.Context, req protocol.TwoFactorDisableRequest) error {
	if err := c.do(ctx, call{method: http.MethodPost, path: "/account/2fa/disable", body: req,
		auth: true, bodyCreds: true, once: true}); err != nil {
		return fmt.Errorf("turn off two-factor sign-in: %w", err)
	}
	return nil
}

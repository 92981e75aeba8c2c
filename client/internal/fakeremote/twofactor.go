package fakeremote

import (
	"context"

	"cipherleaf.dev/shared/protocol"
)

// The fake server has no two-factor sign-in: its accounts never have it on,
// and the routes answer 404 like a server older than SPEC §7.5. Two-factor
// tests run against the real cipherleafd.

var errNoTwoFactor = &protocol.APIError{Status: 404, Code: protocol.CodeNotFound, Msg: "not found"}

// LoginTwoFactor answers 404: no fake login ever asks for a code.
func (c *Conn) LoginTwoFactor(context.Context, protocol.TwoFactorLoginRequest) (*protocol.LoginResponse, error) {
	return nil, errNoTwoFactor
}

// TwoFactorStatus reports 2FA off.
func (c *Conn) TwoFactorStatus(context.Context) (*protocol.TwoFactorStatus, error) {
	return &protocol.TwoFactorStatus{}, nil
}

// TwoFactorEnrol answers 404.
func (c *Conn) TwoFactorEnrol(context.Context, protocol.TwoFactorEnrolRequest) (*protocol.TwoFactorEnrolResponse, error) {
	return nil, errNoTwoFactor
}

// TwoFactorConfirm answers 404.
func (c *Conn) TwoFactorConfirm(context.Context, protocol.TwoFactorConfirmRequest) ([]string, error) {
	return nil, errNoTwoFactor
}

// TwoFactorDisable answers 404.
func (c *Conn) TwoFactorDisable(context.Context, protocol.TwoFactorDisableRequest) error {
	return errNoTwoFactor
}

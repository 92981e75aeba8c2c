package core

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"cipherleaf.dev/shared/protocol"
)

// Two-factor sign-in errors (SPEC §7.5); show them with Words.
var (
	ErrTwoFactorRequired  = errors.New("two-factor code required")
	ErrTwoFactorInvalid   = errors.New("two-factor code wrong or used")
	ErrTwoFactorEnrolment = errors.New("the server requires two-factor sign-in")
)

// twoFactorRemote is the part of Remote for two-factor sign-in.
type twoFactorRemote interface {
	LoginTwoFactor(ctx context.Context, req protocol.TwoFactorLoginRequest) (*protocol.LoginResponse, error)
	TwoFactorStatus(ctx context.Context) (*protocol.TwoFactorStatus, error)
	TwoFactorEnrol(ctx context.Context, req protocol.TwoFactorEnrolRequest) (*protocol.TwoFactorEnrolResponse, error)
	TwoFactorConfirm(ctx context.Context, req protocol.TwoFactorConfirmRequest) ([]string, error)
	TwoFactorDisable(ctx context.Context, req protocol.TwoFactorDisableRequest) error
}

// twoFactorSentinel is the core error of a two-factor refusal, or nil.
func twoFactorSentinel(err error) error {
	switch {
	case isCode(err, protocol.CodeTwoFactorRequired):
		return ErrTwoFactorRequired
	case isCode(err, protocol.CodeTwoFactorInvalid):
		return ErrTwoFactorInvalid
	case isCode(err, protocol.CodeTwoFactorEnrolment):
		return ErrTwoFactorEnrolment
	}
	return nil
}

// CleanSecondFactor trims what a person typed: a TOTP code loses its
// spaces (apps show "123 456"); a recovery code is sent as typed, the
// server normalizes it.
func CleanSecondFactor(f protocol.SecondFactor) protocol.SecondFactor {
	f.TOTPCode = strings.Join(strings.Fields(f.TOTPCode), "")
	f.RecoveryCode = strings.TrimSpace(f.RecoveryCode)
	return f
}

// answerChallenge answers a login's two-factor challenge with f; no code
// at all is ErrTwoFactorRequired without asking the server.
func answerChallenge(ctx context.Context, r Remote, ch *protocol.TwoFactorChallenge, f protocol.SecondFactor) (*protocol.LoginResponse, error) {
	f = CleanSecondFactor(f)
	if f.Empty() {
		return nil, ErrTwoFactorRequired
	}
	resp, err := r.LoginTwoFactor(ctx, protocol.TwoFactorLoginRequest{Challenge: ch.Challenge, SecondFactor: f})
	if isCode(err, protocol.CodeUnauthorized) {
		// The challenge expired (5 minutes) or was spent: start again.
		return nil, fmt.Errorf("%w: the sign-in took too long", ErrTwoFactorInvalid)
	}
	return resp, err
}

// TwoFactorStatus reports whether the account has two-factor sign-in on.
func (c *Core) TwoFactorStatus(ctx context.Context) (*protocol.TwoFactorStatus, error) {
	r, err := c.client()
	if err != nil {
		return nil, err
	}
	st, err := r.TwoFactorStatus(ctx)
	if err != nil {
		return nil, classify("two-factor status", err)
	}
	return st, nil
}

// TwoFactorEnrolment is a started enrolment: the secret to type into an
// authenticator app, and the otpauth:// URI its QR code holds.
type TwoFactorEnrolment struct {
	Secret string
	URI    string
}

// EnableTwoFactor starts enrolment; the password proves the account's
// key. ConfirmTwoFactor completes it.
func (c *Core) EnableTwoFactor(ctx context.Context, password []byte) (*TwoFactorEnrolment, error) {
	dk, b, _, err := c.checkPassword(password)
	if err != nil {
		return nil, fmt.Errorf("start two-factor enrolment: %w", err)
	}
	defer dk.Wipe()
	b.Wipe()
	r, err := c.client()
	if err != nil {
		return nil, err
	}
	out, err := r.TwoFactorEnrol(ctx, protocol.TwoFactorEnrolRequest{AuthKey: dk.Auth[:]})
	if isCode(err, protocol.CodeUnauthorized) {
		return nil, fmt.Errorf("start two-factor enrolment: %w", ErrWrongPassword)
	}
	if err != nil {
		return nil, classify("start two-factor enrolment", err)
	}
	return &TwoFactorEnrolment{Secret: out.Secret, URI: out.URI}, nil
}

// ConfirmTwoFactor completes enrolment with a code from the app and
// returns the ten one-time recovery codes (shown once).
func (c *Core) ConfirmTwoFactor(ctx context.Context, code string) ([]string, error) {
	code = CleanSecondFactor(protocol.SecondFactor{TOTPCode: code}).TOTPCode
	if code == "" {
		return nil, fmt.Errorf("confirm two-factor enrolment: %w", ErrTwoFactorRequired)
	}
	r, err := c.client()
	if err != nil {
		return nil, err
	}
	codes, err := r.TwoFactorConfirm(ctx, protocol.TwoFactorConfirmRequest{TOTPCode: code})
	if err != nil {
		return nil, classify("confirm two-factor enrolment", err)
	}
	if len(codes) != protocol.RecoveryCodeCount {
		return nil, fmt.Errorf("confirm two-factor enrolment: %w: %d recovery codes", ErrBadResponse, len(codes))
	}
	return codes, nil
}

// DisableTwoFactor turns two-factor sign-in off: the password and a code
// (or a recovery code).
func (c *Core) DisableTwoFactor(ctx context.Context, password []byte, f protocol.SecondFactor) error {
	f = CleanSecondFactor(f)
	if f.Empty() {
		return fmt.Errorf("turn off two-factor sign-in: %w", ErrTwoFactorRequired)
	}
	dk, b, _, err := c.checkPassword(password)
	if err != nil {
		return fmt.Errorf("turn off two-factor sign-in: %w", err)
	}
	defer dk.Wipe()
	b.Wipe()
	r, err := c.client()
	if err != nil {
		return err
	}
	err = r.TwoFactorDisable(ctx, protocol.TwoFactorDisableRequest{AuthKey: dk.Auth[:], SecondFactor: f})
	if isCode(err, protocol.CodeUnauthorized) {
		return fmt.Errorf("turn off two-factor sign-in: %w", ErrWrongPassword)
	}
	if err != nil {
		return classify("turn off two-factor sign-in", err)
	}
	return nil
}

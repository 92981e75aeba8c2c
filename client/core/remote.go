package core

import (
	"context"
	"errors"
	"fmt"

	"cipherleaf.dev/client/apiclient"
	"cipherleaf.dev/client/syncer"
	"cipherleaf.dev/shared/protocol"
)

// Remote is the API client the core uses; *apiclient.Client implements it.
type Remote interface {
	syncer.Remote
	Health(ctx context.Context) (*protocol.HealthResponse, error)
	Params(ctx context.Context, username string) (*protocol.KDF, error)
	Register(ctx context.Context, req protocol.RegisterRequest) (*protocol.LoginResponse, error)
	Login(ctx context.Context, req protocol.LoginRequest) (*protocol.LoginResponse, error)
	Recovery(ctx context.Context, req protocol.RecoveryRequest) (*protocol.RecoveryResponse, error)
	Recover(ctx context.Context, req protocol.RecoverRequest) (*protocol.LoginResponse, error)
	Logout(ctx context.Context) error
	Sessions(ctx context.Context) ([]protocol.Session, error)
	RevokeSession(ctx context.Context, id string) error
	RevokeOtherSessions(ctx context.Context) error
	ChangePassword(ctx context.Context, req protocol.PasswordRequest) error
	PutKeys(ctx context.Context, req protocol.KeysRequest) error
	SetRecovery(ctx context.Context, req protocol.RecoveryKeyRequest) error
	DeleteAccount(ctx context.Context, req protocol.DeleteAccountRequest) error
	twoFactorRemote
}

var _ Remote = (*apiclient.Client)(nil)

// RemoteConfig is what Config.Dial gets to build a Remote.
type RemoteConfig = apiclient.Config

// Tokens are one session's credentials.
type Tokens = apiclient.Tokens

func dialAPI(rc RemoteConfig) (Remote, error) { return apiclient.New(rc) }

// errOtherSession drops tokens of a session this profile no longer holds.
var errOtherSession = errors.New("tokens of another session")

// classify adds the core's sentinel to errors from the API client so that
// callers and Words need to know only this package.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var sentinel error
	switch {
	case errors.Is(err, apiclient.ErrPinMismatch):
		sentinel = ErrCertificateChanged
	case errors.Is(err, apiclient.ErrUntrustedCert):
		sentinel = ErrUntrustedServer
	case errors.Is(err, apiclient.ErrUnreachable):
		sentinel = ErrOffline
	case errors.Is(err, apiclient.ErrSessionExpired):
		sentinel = ErrSessionExpired
	case errors.Is(err, apiclient.ErrBadResponse):
		sentinel = ErrBadResponse
	case twoFactorSentinel(err) != nil:
		sentinel = twoFactorSentinel(err)
	}
	if sentinel != nil && !errors.Is(err, sentinel) {
		return fmt.Errorf("%s: %w: %w", op, sentinel, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// isCode reports whether err is an API error with that code.
func isCode(err error, code string) bool {
	var ae *protocol.APIError
	return errors.As(err, &ae) && ae.Code == code
}

func (c *Core) remoteConfig(url, pin string, t Tokens) RemoteConfig {
	return RemoteConfig{
		BaseURL:  url,
		Pin:      pin,
		Timeout:  c.cfg.APITimeout,
		Retries:  c.cfg.APIRetries,
		Tokens:   t,
		OnTokens: c.tokens.save,
		Refresh:  c.sharedRefresh,
	}
}

func probeAPI(ctx context.Context, url string) (string, bool, error) {
	return apiclient.Probe(ctx, url)
}

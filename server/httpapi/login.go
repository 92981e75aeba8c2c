package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

// checkCredentials finds username and compares key with the stored hash
// (the recovery hash if recovery). Unknown user and wrong key both give
// errUnauthorized after one bcrypt compare (recoveryKeyMatches keeps that
// for either form of recovery hash); a disabled account gives
// errAccountDisabled, but only to a caller who proved the key.
func (a *api) checkCredentials(c echo.Context, event, username string, key []byte, recovery bool) (*server.User, error) {
	u, err := a.Store.UserByName(c.Request().Context(), username)
	if err != nil && !errors.Is(err, server.ErrNotFound) {
		return nil, err
	}
	var hash []byte
	if u != nil {
		hash = u.AuthHash
		if recovery {
			hash = u.RecoveryHash
		}
	}
	match := a.keyMatches
	if recovery {
		match = a.recoveryKeyMatches
	}
	ok, err := match(c.Request().Context(), hash, key)
	if err != nil {
		return nil, err
	}
	if !ok {
		a.signInFailed(c, username)
		a.audit(c, event, false, slog.String("user", username))
		return nil, errUnauthorized
	}
	if u.Disabled {
		a.audit(c, event, false, slog.String("user", username), slog.String("reason", "disabled"))
		return nil, errAccountDisabled
	}
	a.signInSucceeded(c, username)
	if recovery {
		a.upgradeRecoveryHash(c.Request().Context(), u.ID, hash, key)
	} else {
		a.rehashIfStale(c.Request().Context(), u.ID, false, hash, key)
	}
	return u, nil
}

// handleLogin answers POST /auth/login: a new session for a device.
func (a *api) handleLogin(c echo.Context) error {
	if err := a.allowIP(c); err != nil {
		return err
	}
	var req protocol.LoginRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := firstError(checkUsername(req.Username), checkAuthKey("auth_key", req.AuthKey), checkDeviceName(req.DeviceName)); err != nil {
		return err
	}
	if err := a.allowSignIn(c, req.Username); err != nil {
		return err
	}
	u, err := a.checkCredentials(c, evLogin, req.Username, req.AuthKey, false)
	if err != nil {
		return err
	}
	if tf, err := a.Store.TwoFactor(c.Request().Context(), u.ID); err != nil {
		return err
	} else if tf.Enabled() {
		return a.challengeLogin(c, u, req.DeviceName)
	}
	sess, refresh, err := a.newSession(req.DeviceName)
	if err != nil {
		return err
	}
	sess.UserID = u.ID
	if err := a.Store.CreateSession(c.Request().Context(), sess); err != nil {
		return err
	}
	a.audit(c, evLogin, true, slog.String("user", u.Username), slog.String("session", sess.ID))
	resp, err := a.loginResponse(u, sess.ID, refresh)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, resp)
}

package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

func checkRegister(r *protocol.RegisterRequest) error {
	if err := checkUsername(r.Username); err != nil {
		return err
	}
	return firstError(
		checkAuthKey("auth_key", r.AuthKey),
		checkAuthKey("recovery_auth_key", r.RecoveryAuthKey),
		checkWrappedKey("wrapped_key", r.WrappedKey, false),
		checkWrappedKey("recovery_wrapped_key", r.RecoveryWrappedKey, false),
		checkKDF(&r.KDF),
		checkDeviceName(r.DeviceName),
	)
}

// handleRegister answers POST /auth/register: a new account and its first
// session.
func (a *api) handleRegister(c echo.Context) error {
	if err := a.allowIP(c); err != nil {
		return err
	}
	if !a.Registration {
		return errRegistrationClosed
	}
	var req protocol.RegisterRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := checkRegister(&req); err != nil {
		return err
	}
	if err := a.allowSignIn(c, req.Username); err != nil {
		return err
	}
	authHash, err := a.hashKey(c.Request().Context(), req.AuthKey)
	if err != nil {
		return err
	}
	recHash := recoveryHash(req.RecoveryAuthKey) // random 256 bits: no slow hash (recoveryhash.go)
	uid, err := a.newUUID()
	if err != nil {
		return err
	}
	u := &server.User{
		UID: uid, Username: req.Username, AuthHash: authHash, RecoveryHash: recHash,
		KDF: req.KDF, WrappedKey: req.WrappedKey, RecoveryWrappedKey: req.RecoveryWrappedKey,
	}
	sess, refresh, err := a.newSession(req.DeviceName)
	if err != nil {
		return err
	}
	if err := a.Store.CreateUser(c.Request().Context(), u, sess); err != nil {
		if errors.Is(err, server.ErrUsernameTaken) {
			a.audit(c, evRegister, false, slog.String("user", req.Username), slog.String("reason", "taken"))
		}
		return err
	}
	a.audit(c, evRegister, true, slog.String("user", req.Username), slog.String("user_id", uid), slog.String("session", sess.ID))
	resp, err := a.loginResponse(u, sess.ID, refresh)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, resp)
}

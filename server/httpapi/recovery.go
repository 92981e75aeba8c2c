package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

// handleRecovery answers POST /auth/recovery: the recovery-wrapped key
// bundle, to a caller who proves the recovery key.
func (a *api) handleRecovery(c echo.Context) error {
	if err := a.allowIP(c); err != nil {
		return err
	}
	var req protocol.RecoveryRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := firstError(checkUsername(req.Username), checkAuthKey("recovery_auth_key", req.RecoveryAuthKey)); err != nil {
		return err
	}
	if err := a.allowSignIn(c, req.Username); err != nil {
		return err
	}
	u, err := a.checkCredentials(c, evRecovery, req.Username, req.RecoveryAuthKey, true)
	if err != nil {
		return err
	}
	a.audit(c, evRecovery, true, slog.String("user", u.Username))
	return c.JSON(http.StatusOK, protocol.RecoveryResponse{RecoveryWrappedKey: u.RecoveryWrappedKey, KDF: u.KDF})
}

// handleRecover answers POST /auth/recover: a new password set with the
// recovery key. Every existing session ends; a new one is opened.
func (a *api) handleRecover(c echo.Context) error {
	if err := a.allowIP(c); err != nil {
		return err
	}
	var req protocol.RecoverRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := firstError(
		checkUsername(req.Username),
		checkAuthKey("recovery_auth_key", req.RecoveryAuthKey),
		checkAuthKey("new_auth_key", req.NewAuthKey),
		checkKDF(&req.KDF),
		checkWrappedKey("wrapped_key", req.WrappedKey, false),
		checkWrappedKey("recovery_wrapped_key", req.RecoveryWrappedKey, true),
		checkDeviceName(req.DeviceName),
	); err != nil {
		return err
	}
	if err := a.allowSignIn(c, req.Username); err != nil {
		return err
	}
	u, err := a.checkCredentials(c, evRecover, req.Username, req.RecoveryAuthKey, true)
	if err != nil {
		return err
	}
	if err := a.checkSecondFactor(c, u, req.SecondFactor); err != nil {
		return err
	}
	h, err := a.hashKey(c.Request().Context(), req.NewAuthKey)
	if err != nil {
		return err
	}
	sess, refresh, err := a.newSession(req.DeviceName)
	if err != nil {
		return err
	}
	upd := server.KeyUpdate{AuthHash: h, KDF: &req.KDF, WrappedKey: req.WrappedKey, RecoveryWrappedKey: req.RecoveryWrappedKey}
	ended, err := a.Store.UpdateKeys(c.Request().Context(), u.ID, upd, true, "", sess)
	if err != nil {
		return err
	}
	a.audit(c, evRecover, true, slog.String("user", u.Username), slog.String("session", sess.ID), slog.Int("sessions_ended", len(ended)))
	u.KDF, u.WrappedKey = req.KDF, req.WrappedKey
	resp, err := a.loginResponse(u, sess.ID, refresh)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, resp)
}

package httpapi

import (
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/tokens"
	"cipherleaf.dev/shared/protocol"
)

// handleRefresh answers POST /auth/refresh: the refresh token is spent and
// a new pair issued for the same session. A token presented twice ends the
// session: one of the two presenters stole it.
func (a *api) handleRefresh(c echo.Context) error {
	if err := a.allowIP(c); err != nil {
		return err
	}
	var req protocol.RefreshRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if b, err := base64.RawURLEncoding.DecodeString(req.RefreshToken); err != nil || len(b) != tokens.RefreshSize {
		a.signInFailed(c, "")
		return errUnauthorized
	}
	newTok, newHash, err := tokens.NewRefresh(a.Rand)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	sess, err := a.Store.RotateRefresh(ctx, tokens.HashRefresh(req.RefreshToken), newHash)
	switch {
	case errors.Is(err, server.ErrRefreshReused):
		a.signInFailed(c, "")
		a.audit(c, evRefreshReuse, false, slog.String("session", sess.ID), slog.Int64("uid_internal", sess.UserID))
		return errUnauthorized
	case errors.Is(err, server.ErrNotFound):
		a.signInFailed(c, "")
		a.audit(c, evRefresh, false)
		return errUnauthorized
	case err != nil:
		return err
	}
	u, err := a.Store.UserByID(ctx, sess.UserID)
	if errors.Is(err, server.ErrNotFound) {
		return errUnauthorized
	}
	if err != nil {
		return err
	}
	if u.Disabled {
		return errUnauthorized
	}
	a.audit(c, evRefresh, true, slog.String("user", u.Username), slog.String("session", sess.ID))
	resp, err := a.loginResponse(u, sess.ID, newTok)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, resp)
}

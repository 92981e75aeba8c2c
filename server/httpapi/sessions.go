package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

// handleLogout answers POST /auth/logout: this session ends.
func (a *api) handleLogout(c echo.Context) error {
	p := who(c)
	if err := a.Store.DeleteSession(c.Request().Context(), p.UserID, p.SID); err != nil && !errors.Is(err, server.ErrNotFound) {
		return err
	}
	a.audit(c, evLogout, true, slog.String("user_id", p.UID), slog.String("session", p.SID))
	return c.NoContent(http.StatusNoContent)
}

// handleListSessions answers GET /sessions.
func (a *api) handleListSessions(c echo.Context) error {
	p := who(c)
	ss, err := a.Store.ListSessions(c.Request().Context(), p.UserID)
	if err != nil {
		return err
	}
	out := protocol.SessionsResponse{Sessions: make([]protocol.Session, len(ss))}
	for i, s := range ss {
		out.Sessions[i] = protocol.Session{ID: s.ID, DeviceName: s.DeviceName, Created: s.Created, LastSeen: s.LastSeen, Current: s.ID == p.SID}
	}
	return c.JSON(http.StatusOK, out)
}

// handleRevokeSession answers DELETE /sessions/{id}; another user's
// session is answered as missing.
func (a *api) handleRevokeSession(c echo.Context) error {
	p := who(c)
	sid := c.Param("id")
	if err := a.Store.DeleteSession(c.Request().Context(), p.UserID, sid); err != nil {
		return err
	}
	a.audit(c, evRevoke, true, slog.String("user_id", p.UID), slog.String("session", p.SID), slog.String("revoked", sid))
	return c.NoContent(http.StatusNoContent)
}

// handleRevokeOtherSessions answers DELETE /sessions: all but this one end.
func (a *api) handleRevokeOtherSessions(c echo.Context) error {
	p := who(c)
	n, err := a.Store.DeleteOtherSessions(c.Request().Context(), p.UserID, p.SID)
	if err != nil {
		return err
	}
	a.audit(c, evRevoke, true, slog.String("user_id", p.UID), slog.String("session", p.SID), slog.Int64("revoked_count", n))
	return c.NoContent(http.StatusNoContent)
}

package httpapi

import (
	"log/slog"

	"github.com/labstack/echo/v4"
)

// Audited auth events.
const (
	evLogin         = "login"
	evRegister      = "register"
	evRefresh       = "refresh"
	evRefreshReuse  = "refresh-reuse"
	evRevoke        = "revoke"
	evLogout        = "logout"
	evPassword      = "password-change"
	evKeys          = "keys-change"
	evRecoveryKey   = "recovery-key-replaced"
	evRecovery      = "recovery"
	evRecover       = "recover"
	evAccountDelete = "account-delete"
)

// audit writes one audit line. Only names and ids go in: never a key,
// token, hash or blob.
func (a *api) audit(c echo.Context, event string, ok bool, attrs ...slog.Attr) {
	outcome := "ok"
	if !ok {
		outcome = "failed"
	}
	a.Metrics.AuthEvents.WithLabelValues(event + ":" + outcome).Inc()
	base := []slog.Attr{
		slog.String("event", event),
		slog.String("outcome", outcome),
		slog.String("ip", c.RealIP()),
	}
	a.Logger.LogAttrs(c.Request().Context(), slog.LevelInfo, "audit", append(base, attrs...)...)
}

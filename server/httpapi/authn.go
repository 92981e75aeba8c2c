package httpapi

import (
	"errors"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"cipherleaf.dev/server"
)

// principal is who an authenticated request comes from.
type principal struct {
	UserID int64  // internal id
	UID    string // public user id
	SID    string // session id
}

const principalKey = "cipherleaf.principal"

// touchEvery is how stale a session's last_seen may get before a request
// updates it (so reads do not each cost a write).
const touchEvery = time.Minute

// requireAuth checks the bearer access token and then, on every request,
// that its session still exists and its user is enabled: revoking a
// session or disabling a user takes effect on the next request.
func (a *api) requireAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		tok, ok := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
		if !ok || tok == "" {
			return errUnauthorized
		}
		uid, sid, err := a.Access.Verify(tok)
		if err != nil {
			return errUnauthorized
		}
		ctx := c.Request().Context()
		sa, err := a.Store.SessionAuth(ctx, sid)
		if errors.Is(err, server.ErrNotFound) {
			return errUnauthorized
		}
		if err != nil {
			return err
		}
		if sa.UID != uid || sa.Disabled {
			return errUnauthorized
		}
		if a.Now().Sub(sa.LastSeen) > touchEvery {
			if err := a.Store.TouchSession(ctx, sid); err != nil {
				a.Logger.WarnContext(ctx, "touch session", "err", err)
			}
		}
		c.Set(principalKey, &principal{UserID: sa.UserID, UID: uid, SID: sid})
		return next(c)
	}
}

// who returns the principal requireAuth stored.
func who(c echo.Context) *principal {
	return c.Get(principalKey).(*principal)
}

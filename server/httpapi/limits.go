package httpapi

import (
	"github.com/labstack/echo/v4"
)

// allowIP applies the per-IP limit; called before any other work.
func (a *api) allowIP(c echo.Context) error {
	if ok, retry := a.ipLim.Allow("ip:" + c.RealIP()); !ok {
		return &rateLimitedError{retry: retry}
	}
	return nil
}

// allowUser applies the per-username limit, once the name is known valid.
func (a *api) allowUser(username string) error {
	if ok, retry := a.userLim.Allow("user:" + username); !ok {
		return &rateLimitedError{retry: retry}
	}
	return nil
}

// failed records bad credentials against the IP and the username, so
// repeated failures lock both out with a growing delay.
func (a *api) failed(c echo.Context, username string) {
	a.Metrics.LoginsFailed.Inc()
	a.ipLim.Fail("ip:" + c.RealIP())
	if username != "" {
		a.userLim.Fail("user:" + username)
	}
}

// succeeded clears the failure counts after good credentials.
func (a *api) succeeded(c echo.Context, username string) {
	a.ipLim.Succeed("ip:" + c.RealIP())
	if username != "" {
		a.userLim.Succeed("user:" + username)
	}
}

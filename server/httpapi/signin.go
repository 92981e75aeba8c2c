package httpapi

import (
	"net"

	"github.com/labstack/echo/v4"
)

// Sign-in throttling (SPEC §7.6). Every proof of an account's secret —
// login, recovery, an authenticated re-check of the auth key, a second
// factor — goes through allowSignIn first and reports signInFailed or
// signInSucceeded after. The limits are keyed by (account, source): an
// attacker can lock out only their own source, and a source that once
// signed in keeps working while the account is under attack elsewhere.

// source is the client's network identity for limits: its IP, or the /64
// of an IPv6 address (one host usually owns a whole /64).
func source(c echo.Context) string {
	ip := net.ParseIP(c.RealIP())
	if ip == nil {
		return c.RealIP()
	}
	if ip4 := ip.To4(); ip4 != nil {
		return ip4.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// allowIP applies the per-source limit on unauthenticated requests;
// called before any other work.
func (a *api) allowIP(c echo.Context) error {
	if ok, retry := a.ipLim.Allow("ip:" + source(c)); !ok {
		return &rateLimitedError{retry: retry}
	}
	return nil
}

// allowSignIn applies the (account, source) limit before a secret of
// username is checked.
func (a *api) allowSignIn(c echo.Context, username string) error {
	if ok, retry := a.signIn.Allow(username, source(c)); !ok {
		return &rateLimitedError{retry: retry}
	}
	return nil
}

// signInFailed records a wrong secret for username (or, with username
// empty, a bad token) against the source, and the pair.
func (a *api) signInFailed(c echo.Context, username string) {
	a.Metrics.LoginsFailed.Inc()
	src := source(c)
	a.ipLim.Fail("ip:" + src)
	if username != "" {
		a.signIn.Fail(username, src)
	}
}

// signInSucceeded clears the source's failures and makes it known to
// username's account.
func (a *api) signInSucceeded(c echo.Context, username string) {
	src := source(c)
	a.ipLim.Succeed("ip:" + src)
	a.signIn.Succeed(username, src)
}

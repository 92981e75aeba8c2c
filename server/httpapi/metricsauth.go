package httpapi

import (
	"crypto/subtle"
	"strings"

	"github.com/labstack/echo/v4"
)

// requireMetricsToken lets through only requests bearing MetricsToken.
func (a *api) requireMetricsToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		tok, ok := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(tok), []byte(a.MetricsToken)) != 1 {
			return errUnauthorized
		}
		return next(c)
	}
}

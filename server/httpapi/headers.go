package httpapi

import "github.com/labstack/echo/v4"

// securityHeaders sets, on every response, headers that make a browser
// treat the API as inert data: HTTPS only, no sniffing, no framing, no
// script, no caching of ciphertext or tokens. No CORS header is ever sent,
// so no other origin can read an answer.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		return next(c)
	}
}

package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// limitBody refuses a request whose declared length is over MaxBody at
// once, without reading it, and caps the bytes read from any other body
// (chunked ones included) so a huge upload fails after MaxBody bytes.
func (a *api) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.ContentLength > a.MaxBody {
			return tooLarge("request body too large")
		}
		req.Body = http.MaxBytesReader(c.Response().Writer, req.Body, a.MaxBody)
		return next(c)
	}
}

package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

// observe counts every request by route and status and times it. Errors
// are written here (not later by Echo) so the status recorded is the one
// sent.
func (a *api) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		a.Metrics.Requests.WithLabelValues(route, c.Request().Method, strconv.Itoa(status)).Inc()
		a.Metrics.Latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
		return nil
	}
}

// recoverPanics turns a panicking handler into a logged 500.
func (a *api) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				err = fmt.Errorf("handler panic: %v", r)
			}
		}()
		return next(c)
	}
}

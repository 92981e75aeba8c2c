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
		route, method := a.labels(c)
		status := c.Response().Status
		a.Metrics.Requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
		a.Metrics.Latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
		return nil
	}
}

// labels are the route and method labels of c's metrics: the route
// template Echo matched and a method it serves, or "unmatched" and "other"
// for anything else, so made-up paths and methods add no series.
func (a *api) labels(c echo.Context) (route, method string) {
	route, method = "unmatched", "other"
	if _, ok := a.routeLabels[c.Path()]; ok && c.Response().Status != http.StatusMethodNotAllowed {
		route = c.Path()
	}
	if _, ok := a.methodLabels[c.Request().Method]; ok {
		method = c.Request().Method
	}
	return route, method
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

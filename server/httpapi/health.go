package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"cipherleaf.dev/shared/protocol"
)

// handleHealth answers GET /healthz with the API versions spoken.
func (a *api) handleHealth(c echo.Context) error {
	if err := a.Store.Ping(c.Request().Context()); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, protocol.HealthResponse{Status: "ok", API: []int{protocol.APIVersion}})
}

package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"cipherleaf.dev/shared/protocol"
)

// handleGetManifest answers GET /manifest.
func (a *api) handleGetManifest(c echo.Context) error {
	m, err := a.Store.Manifest(c.Request().Context(), who(c).UserID)
	if err != nil {
		return err
	}
	a.Metrics.SyncBytesOut.Add(float64(len(m.Blob)))
	return c.JSON(http.StatusOK, m)
}

// handlePutManifest answers PUT /manifest with compare-and-swap on the
// version.
func (a *api) handlePutManifest(c echo.Context) error {
	var req protocol.PutManifestRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := firstError(a.checkBlob("blob", req.Blob), checkCounter("base_version", req.BaseVersion)); err != nil {
		return err
	}
	if req.BaseHash != "" {
		return badRequest("base_hash is only for a batch's manifest")
	}
	v, err := a.Store.PutManifest(c.Request().Context(), who(c).UserID, req.BaseVersion, req.Blob)
	if err != nil {
		return err
	}
	a.Metrics.SyncBytesIn.Add(float64(len(req.Blob)))
	return c.JSON(http.StatusOK, protocol.Manifest{Version: v})
}

package httpapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

// Default KDF parameters for new accounts (SPEC §2), also answered for
// unknown usernames.
const (
	defaultKDFTime    = 3
	defaultKDFMemory  = 65536
	defaultKDFThreads = 4
)

// fakeParams are the parameters answered for an unknown username: the
// defaults with salt = HMAC-SHA256(key, "params:" || username)[0:16], so the
// answer is stable per name and looks like a real account's.
func fakeParams(key []byte, username string) protocol.KDF {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("params:"))
	m.Write([]byte(username))
	return protocol.KDF{
		Alg: protocol.KDFAlgArgon2id, Version: protocol.KDFVersion,
		Time: defaultKDFTime, Memory: defaultKDFMemory, Threads: defaultKDFThreads,
		Salt: m.Sum(nil)[:16],
	}
}

// handleParams answers POST /auth/params.
func (a *api) handleParams(c echo.Context) error {
	if err := a.allowIP(c); err != nil {
		return err
	}
	var req protocol.ParamsRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := checkUsername(req.Username); err != nil {
		return err
	}
	u, err := a.Store.UserByName(c.Request().Context(), req.Username)
	switch {
	case errors.Is(err, server.ErrNotFound):
		return c.JSON(http.StatusOK, protocol.ParamsResponse{KDF: fakeParams(a.ParamsKey, req.Username)})
	case err != nil:
		return err
	}
	return c.JSON(http.StatusOK, protocol.ParamsResponse{KDF: u.KDF})
}

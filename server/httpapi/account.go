package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

// proveKey loads the signed-in user and checks key against its auth hash:
// account changes need the key, not only a token.
func (a *api) proveKey(c echo.Context, event string, key []byte) (*server.User, error) {
	p := who(c)
	if err := checkAuthKey("auth_key", key); err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	u, err := a.Store.UserByID(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	// Limited and locked out like a login: a stolen access token must not
	// buy unlimited guesses at the auth key.
	if err := a.allowSignIn(c, u.Username); err != nil {
		return nil, err
	}
	ok, err := a.keyMatches(ctx, u.AuthHash, key)
	if err != nil {
		return nil, err
	}
	if !ok {
		a.signInFailed(c, u.Username)
		a.audit(c, event, false, slog.String("user", u.Username), slog.String("session", p.SID))
		return nil, errUnauthorized
	}
	a.signInSucceeded(c, u.Username)
	return u, nil
}

// handleChangePassword answers POST /account/password: a new auth key and
// re-wrapped bundle; every other session ends.
func (a *api) handleChangePassword(c echo.Context) error {
	var req protocol.PasswordRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := firstError(
		checkAuthKey("new_auth_key", req.NewAuthKey),
		checkKDF(&req.KDF),
		checkWrappedKey("wrapped_key", req.WrappedKey, false),
		checkWrappedKey("recovery_wrapped_key", req.RecoveryWrappedKey, true),
	); err != nil {
		return err
	}
	u, err := a.proveKey(c, evPassword, req.AuthKey)
	if err != nil {
		return err
	}
	if err := a.checkSecondFactor(c, u, req.SecondFactor); err != nil {
		return err
	}
	h, err := a.hashKey(c.Request().Context(), req.NewAuthKey)
	if err != nil {
		return err
	}
	p := who(c)
	upd := server.KeyUpdate{AuthHash: h, KDF: &req.KDF, WrappedKey: req.WrappedKey, RecoveryWrappedKey: req.RecoveryWrappedKey}
	ended, err := a.Store.UpdateKeys(c.Request().Context(), u.ID, upd, true, p.SID, nil)
	if err != nil {
		return err
	}
	a.audit(c, evPassword, true, slog.String("user", u.Username), slog.String("session", p.SID), slog.Int("sessions_ended", len(ended)))
	return c.NoContent(http.StatusNoContent)
}

// handleGetKeys answers GET /account/keys: the password wrap and every kept
// rotation successor, oldest first (SPEC §3).
func (a *api) handleGetKeys(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := a.Store.UserByID(ctx, who(c).UserID)
	if err != nil {
		return err
	}
	succ, err := a.Store.Successors(ctx, u.ID)
	if err != nil {
		return err
	}
	resp := protocol.KeysResponse{KDF: u.KDF, WrappedKey: u.WrappedKey, Successors: succ}
	if len(succ) > 0 {
		resp.Successor = succ[len(succ)-1]
	}
	return c.JSON(http.StatusOK, resp)
}

// handlePutKeys answers PUT /account/keys: a rotated key bundle (SPEC §3).
// Without a recovery wrap the stored one is kept; a successor is appended
// only if the request rotates from the current generation (SPEC §7.2).
func (a *api) handlePutKeys(c echo.Context) error {
	var req protocol.KeysRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := firstError(
		checkWrappedKey("wrapped_key", req.WrappedKey, false),
		checkWrappedKey("recovery_wrapped_key", req.RecoveryWrappedKey, true),
		checkWrappedKey("successor", req.Successor, true),
		checkGenerations(req),
		checkRecoveryAuth(req),
	); err != nil {
		return err
	}
	u, err := a.proveKey(c, evKeys, req.AuthKey)
	if err != nil {
		return err
	}
	upd := server.KeyUpdate{WrappedKey: req.WrappedKey, RecoveryWrappedKey: req.RecoveryWrappedKey, AddSuccessor: req.Successor,
		BaseGeneration: req.BaseGeneration, Generation: req.Generation}
	if req.RecoveryAuthKey != nil {
		upd.RecoveryHash = recoveryHash(req.RecoveryAuthKey)
	}
	if _, err := a.Store.UpdateKeys(c.Request().Context(), u.ID, upd, req.RevokeSessions, who(c).SID, nil); err != nil {
		return err
	}
	a.audit(c, evKeys, true, slog.String("user", u.Username), slog.String("session", who(c).SID))
	return c.NoContent(http.StatusNoContent)
}

// handleSetRecovery answers PUT /account/recovery: a new recovery key
// replaces the old one, which stops working at once (SPEC §6, §7.2).
func (a *api) handleSetRecovery(c echo.Context) error {
	var req protocol.RecoveryKeyRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := firstError(
		checkWrappedKey("recovery_wrapped_key", req.RecoveryWrappedKey, false),
		checkAuthKey("recovery_auth_key", req.RecoveryAuthKey),
	); err != nil {
		return err
	}
	u, err := a.proveKey(c, evRecoveryKey, req.AuthKey)
	if err != nil {
		return err
	}
	upd := server.KeyUpdate{RecoveryHash: recoveryHash(req.RecoveryAuthKey), RecoveryWrappedKey: req.RecoveryWrappedKey}
	if _, err := a.Store.UpdateKeys(c.Request().Context(), u.ID, upd, false, "", nil); err != nil {
		return err
	}
	a.audit(c, evRecoveryKey, true, slog.String("user", u.Username), slog.String("session", who(c).SID))
	return c.NoContent(http.StatusNoContent)
}

// handleDeleteAccount answers DELETE /account: the account, its notes and
// sessions are deleted.
func (a *api) handleDeleteAccount(c echo.Context) error {
	var req protocol.DeleteAccountRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	u, err := a.proveKey(c, evAccountDelete, req.AuthKey)
	if err != nil {
		return err
	}
	if err := a.checkSecondFactor(c, u, req.SecondFactor); err != nil {
		return err
	}
	if err := a.Store.DeleteUser(c.Request().Context(), u.ID); err != nil {
		return err
	}
	a.audit(c, evAccountDelete, true, slog.String("user", u.Username), slog.String("user_id", u.UID))
	return c.NoContent(http.StatusNoContent)
}

// checkGenerations enforces SPEC §7.2: a successor needs generation =
// base_generation + 1, a re-wrap generation = base_generation, and a
// request without generations may not add a successor.
func checkGenerations(req protocol.KeysRequest) error {
	base, gen := req.BaseGeneration, req.Generation
	switch {
	case base == 0 && gen == 0:
		if req.Successor != nil {
			return badRequest("successor needs base_generation and generation")
		}
	case base == 0 || gen == 0:
		return badRequest("base_generation and generation go together")
	case req.Successor != nil && uint64(gen) != uint64(base)+1:
		return badRequest("a rotation's generation must be base_generation + 1")
	case req.Successor == nil && gen != base && uint64(gen) != uint64(base)+1:
		return badRequest("without a successor generation must be base_generation or base_generation + 1")
	}
	return nil
}

// checkRecoveryAuth: a new recovery auth key comes only with the recovery
// wrap it belongs to (SPEC §7.2).
func checkRecoveryAuth(req protocol.KeysRequest) error {
	if req.RecoveryAuthKey == nil {
		return nil
	}
	if req.RecoveryWrappedKey == nil {
		return badRequest("recovery_auth_key needs recovery_wrapped_key")
	}
	return checkAuthKey("recovery_auth_key", req.RecoveryAuthKey)
}

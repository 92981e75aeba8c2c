package core

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"cipherleaf.dev/client/apiclient"
	"cipherleaf.dev/client/internal/profilelock"
)

// refreshLockName is the file in the profile folder that every process of
// the profile locks around a token refresh (SPEC §8, "One refresh at a
// time per profile").
const refreshLockName = "refresh.lock"

// sharedRefresh is the API client's Config.Refresh. The app and the CLI
// on one profile share one session, and a refresh token is single use: a
// process that spends a token another process already spent gets the
// session revoked (§7.1). So under the profile's refresh lock it reads the
// stored tokens again, adopts a pair another process stored since (no
// request), or else trades held's refresh token and stores the new pair
// before the lock is released.
//
// The lock is an OS file lock, taken by polling within ctx (the refresh's
// own deadline): it runs on the API client's refresh goroutine, never on
// a caller's, and nothing but another refresh waits for it.
func (c *Core) sharedRefresh(ctx context.Context, held Tokens, trade func(context.Context) (Tokens, error)) (Tokens, error) {
	l, err := profilelock.Wait(ctx, filepath.Join(c.cfg.ProfileDir, refreshLockName))
	if err != nil {
		return Tokens{}, fmt.Errorf("take refresh lock: %w: %w", apiclient.ErrUnreachable, err)
	}
	defer l.Unlock()
	// Pairs this process handed to the saver are written before the
	// stored pair is read, so that none lands later over a newer one.
	c.tokens.flush()
	a, err := c.v.Account(ctx)
	if err != nil {
		return Tokens{}, fmt.Errorf("read stored tokens: %w", err)
	}
	if a.SessionID == held.SessionID && a.RefreshToken != "" && a.AccessToken != "" && a.RefreshToken != held.Refresh && !c.tokens.isSpent(a.RefreshToken) {
		// Another process refreshed since this one read its pair: the
		// held refresh token is spent; the stored pair is the session's.
		// (A pair this process traded itself is older than held: one
		// whose new pair could not be written.)
		t := Tokens{Access: a.AccessToken, Refresh: a.RefreshToken, SessionID: a.SessionID, UserID: a.UserID}
		c.tokens.stored(t.Refresh)
		c.log.Debug("adopted tokens another process refreshed")
		return t, nil
	}
	select {
	case <-c.done:
		// Closing: a pair traded now might never be stored (the vault
		// closes), and the stored refresh token would then be spent.
		return Tokens{}, fmt.Errorf("refresh session: %w", ErrClosed)
	default:
	}
	c.tokens.trading(held.Refresh)
	t, err := trade(ctx)
	if err != nil {
		return Tokens{}, err
	}
	// Written before the lock is released, on a context of its own: the
	// pair is the session's only valid one now.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	werr := c.v.UpdateAccount(wctx, func(a *accountRow) error { return setTokens(a, t) })
	switch {
	case werr == nil:
		c.tokens.stored(t.Refresh)
	case errors.Is(werr, errOtherSession):
		c.log.Debug("refreshed tokens of a session this profile no longer holds")
	default:
		c.log.Warn("refreshed tokens not saved", "err", werr)
	}
	return t, nil
}

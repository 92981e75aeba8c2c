package httpapi

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/ratelimit"
	"cipherleaf.dev/server/twofactor"
	"cipherleaf.dev/shared/protocol"
)

// Audit events of two-factor sign-in.
const (
	evTwoFactorLogin   = "2fa-login"
	evTwoFactorEnrol   = "2fa-enrol"
	evTwoFactorConfirm = "2fa-confirm"
	evTwoFactorDisable = "2fa-disable"
	evTwoFactorCode    = "2fa-code"
)

// codeLimiter throttles two-factor code attempts by key; *ratelimit.Limiter
// is one. Kept an interface so the (account, source) limiter of the
// server-hardening work can take its place.
type codeLimiter interface {
	Allow(key string) (ok bool, retryAfter time.Duration)
	Fail(key string)
	Succeed(key string)
}

// DefaultCodeLimit is the limit of two-factor code attempts per (account,
// source); the per-account limit locks out after twice the failures.
var DefaultCodeLimit = ratelimit.Config{Rate: 1, Burst: 10, MaxFailures: 5, BaseLockout: time.Minute, MaxLockout: time.Hour}

// twoFactor is the handlers' two-factor machinery.
type twoFactor struct {
	sealer     *twofactor.Sealer
	hasher     *twofactor.CodeHasher
	challenges *twofactor.Challenges
	srcLim     codeLimiter // per (account, source address)
	acctLim    codeLimiter // per account
}

// newTwoFactor builds the two-factor state from cfg; keys missing from cfg
// (tests only: cipherleafd always derives them) are random.
func newTwoFactor(cfg *Config) (*twoFactor, error) {
	key := func(k []byte) ([]byte, error) {
		if k != nil {
			return k, nil
		}
		k = make([]byte, 32)
		_, err := rand.Read(k)
		return k, err
	}
	sealKey, err := key(cfg.TOTPSealKey)
	if err != nil {
		return nil, fmt.Errorf("make seal key: %w", err)
	}
	codeKey, err := key(cfg.RecoveryCodeKey)
	if err != nil {
		return nil, fmt.Errorf("make recovery code key: %w", err)
	}
	sealer, err := twofactor.NewSealer(sealKey, cfg.Rand)
	if err != nil {
		return nil, err
	}
	lim := cfg.CodeLimit
	if lim.MaxFailures == 0 {
		lim = DefaultCodeLimit
	}
	lim.Now = cfg.Now
	acct := lim
	acct.MaxFailures *= 2
	return &twoFactor{
		sealer: sealer, hasher: twofactor.NewCodeHasher(codeKey),
		challenges: twofactor.NewChallenges(cfg.Now, cfg.Rand),
		srcLim:     ratelimit.New(lim), acctLim: ratelimit.New(acct),
	}, nil
}

// limitKeys are the limiter keys of code attempts on account uid from c.
func limitKeys(c echo.Context, userID int64) (acct, src string) {
	acct = "2fa:" + strconv.FormatInt(userID, 10)
	return acct, acct + "|" + c.RealIP()
}

// checkSecondFactor enforces SPEC §7.5 on a request of u that proved its
// key: nothing when 2FA is off; otherwise f must hold a right, unused code
// (errTwoFactorRequired, errTwoFactorInvalid). Wrong codes count toward
// the lockout of the account and of (account, source).
func (a *api) checkSecondFactor(c echo.Context, u *server.User, f protocol.SecondFactor) error {
	tf, err := a.Store.TwoFactor(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	if !tf.Enabled() {
		return nil
	}
	return a.useCode(c, u, tf, f)
}

// useCode checks f against u's enabled second factor and spends it.
func (a *api) useCode(c echo.Context, u *server.User, tf *server.TwoFactor, f protocol.SecondFactor) error {
	if f.Empty() {
		return errTwoFactorRequired
	}
	if f.TOTPCode != "" && f.RecoveryCode != "" {
		return badRequest("send totp_code or recovery_code, not both")
	}
	acct, src := limitKeys(c, u.ID)
	for _, k := range []struct {
		l   codeLimiter
		key string
	}{{a.tf.acctLim, acct}, {a.tf.srcLim, src}} {
		if ok, retry := k.l.Allow(k.key); !ok {
			return &rateLimitedError{retry: retry}
		}
	}
	ctx := c.Request().Context()
	var ok bool
	var err error
	kind := "totp"
	if f.RecoveryCode != "" {
		kind = "recovery-code"
		if ok, err = a.Store.UseRecoveryCode(ctx, u.ID, a.tf.hasher.Hash(u.UID, f.RecoveryCode)); err != nil {
			return err
		}
	} else {
		secret, err := a.tf.sealer.Open(u.UID, tf.Secret)
		if err != nil {
			return fmt.Errorf("open totp secret of user %d: %w", u.ID, err)
		}
		step, err := twofactor.Match(secret, f.TOTPCode, a.Now())
		if err == nil {
			// false: this code (or a newer one) was already used.
			if ok, err = a.Store.UseTOTPStep(ctx, u.ID, step); err != nil {
				return err
			}
		} else if !errors.Is(err, twofactor.ErrBadCode) {
			return err
		}
	}
	if !ok {
		a.tf.acctLim.Fail(acct)
		a.tf.srcLim.Fail(src)
		a.audit(c, evTwoFactorCode, false, slog.String("user", u.Username), slog.String("kind", kind))
		return errTwoFactorInvalid
	}
	a.tf.acctLim.Succeed(acct)
	a.tf.srcLim.Succeed(src)
	a.audit(c, evTwoFactorCode, true, slog.String("user", u.Username), slog.String("kind", kind))
	return nil
}

// challengeLogin answers a login with a right key for an account with 2FA
// on: a challenge naming the session to be, and no token (SPEC §7.5).
func (a *api) challengeLogin(c echo.Context, u *server.User, device string) error {
	tok, err := a.tf.challenges.Open(u.ID, device)
	if err != nil {
		return err
	}
	a.audit(c, evLogin, true, slog.String("user", u.Username), slog.String("next", "2fa"))
	return c.JSON(http.StatusOK, protocol.LoginResponse{TwoFactor: &protocol.TwoFactorChallenge{
		Challenge: tok, ExpiresIn: int(twofactor.ChallengeTTL.Seconds())}})
}

// handleLoginTwoFactor answers POST /auth/login/2fa: the code for a login
// challenge, and the session it names.
func (a *api) handleLoginTwoFactor(c echo.Context) error {
	if err := a.allowIP(c); err != nil {
		return err
	}
	var req protocol.TwoFactorLoginRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if req.Challenge == "" || len(req.Challenge) > 64 {
		return badRequest("challenge missing or malformed")
	}
	p, err := a.tf.challenges.Peek(req.Challenge)
	if err != nil {
		return errUnauthorized
	}
	ctx := c.Request().Context()
	u, err := a.Store.UserByID(ctx, p.UserID)
	if errors.Is(err, server.ErrNotFound) {
		return errUnauthorized
	}
	if err != nil {
		return err
	}
	if u.Disabled {
		return errAccountDisabled
	}
	tf, err := a.Store.TwoFactor(ctx, u.ID)
	if err != nil {
		return err
	}
	if tf.Enabled() {
		if err := a.useCode(c, u, tf, req.SecondFactor); err != nil {
			if errors.Is(err, errTwoFactorInvalid) {
				a.tf.challenges.Fail(req.Challenge)
			}
			return err
		}
	}
	if !a.tf.challenges.Spend(req.Challenge) {
		return errUnauthorized
	}
	sess, refresh, err := a.newSession(p.DeviceName)
	if err != nil {
		return err
	}
	sess.UserID = u.ID
	if err := a.Store.CreateSession(ctx, sess); err != nil {
		return err
	}
	a.audit(c, evTwoFactorLogin, true, slog.String("user", u.Username), slog.String("session", sess.ID))
	resp, err := a.loginResponse(u, sess.ID, refresh)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, resp)
}

// handleTwoFactorStatus answers GET /account/2fa.
func (a *api) handleTwoFactorStatus(c echo.Context) error {
	tf, err := a.Store.TwoFactor(c.Request().Context(), who(c).UserID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, protocol.TwoFactorStatus{
		Enabled: tf.Enabled(), Pending: tf.Pending != nil, RecoveryCodesLeft: tf.CodesLeft, Required: a.RequireTwoFactor})
}

// handleTwoFactorEnrol answers POST /account/2fa/enrol: a new pending
// secret, to a caller who proves the key.
func (a *api) handleTwoFactorEnrol(c echo.Context) error {
	var req protocol.TwoFactorEnrolRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	u, err := a.proveKey(c, evTwoFactorEnrol, req.AuthKey)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	tf, err := a.Store.TwoFactor(ctx, u.ID)
	if err != nil {
		return err
	}
	if tf.Enabled() {
		return errTwoFactorOn
	}
	secret, uri, err := twofactor.NewSecret(u.Username, a.Rand)
	if err != nil {
		return err
	}
	sealed, err := a.tf.sealer.Seal(u.UID, secret)
	if err != nil {
		return err
	}
	if err := a.Store.SetTwoFactorPending(ctx, u.ID, sealed); err != nil {
		return err
	}
	a.audit(c, evTwoFactorEnrol, true, slog.String("user", u.Username), slog.String("session", who(c).SID))
	return c.JSON(http.StatusOK, protocol.TwoFactorEnrolResponse{Secret: secret, URI: uri})
}

// handleTwoFactorConfirm answers POST /account/2fa/confirm: a right code
// for the pending secret turns 2FA on and makes ten recovery codes.
func (a *api) handleTwoFactorConfirm(c echo.Context) error {
	var req protocol.TwoFactorConfirmRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := a.Store.UserByID(ctx, who(c).UserID)
	if err != nil {
		return err
	}
	tf, err := a.Store.TwoFactor(ctx, u.ID)
	if err != nil {
		return err
	}
	if tf.Enabled() {
		return errTwoFactorOn
	}
	if tf.Pending == nil {
		return badRequest("no two-factor enrolment in progress")
	}
	acct, src := limitKeys(c, u.ID)
	if ok, retry := a.tf.srcLim.Allow(src); !ok {
		return &rateLimitedError{retry: retry}
	}
	secret, err := a.tf.sealer.Open(u.UID, tf.Pending)
	if err != nil {
		return fmt.Errorf("open pending totp secret of user %d: %w", u.ID, err)
	}
	step, err := twofactor.Match(secret, strings.TrimSpace(req.TOTPCode), a.Now())
	if errors.Is(err, twofactor.ErrBadCode) {
		a.tf.srcLim.Fail(src)
		a.audit(c, evTwoFactorConfirm, false, slog.String("user", u.Username))
		return errTwoFactorInvalid
	}
	if err != nil {
		return err
	}
	codes, err := twofactor.NewRecoveryCodes(protocol.RecoveryCodeCount, a.Rand)
	if err != nil {
		return err
	}
	hashes := make([][]byte, len(codes))
	for i, code := range codes {
		hashes[i] = a.tf.hasher.Hash(u.UID, code)
	}
	if err := a.Store.ConfirmTwoFactor(ctx, u.ID, tf.Pending, step, hashes); err != nil {
		if errors.Is(err, server.ErrConflict) {
			return errTwoFactorOn
		}
		return err
	}
	a.tf.srcLim.Succeed(src)
	a.tf.acctLim.Succeed(acct)
	a.audit(c, evTwoFactorConfirm, true, slog.String("user", u.Username), slog.String("session", who(c).SID))
	return c.JSON(http.StatusOK, protocol.TwoFactorConfirmResponse{RecoveryCodes: codes})
}

// handleTwoFactorDisable answers POST /account/2fa/disable: the key and a
// code turn 2FA off.
func (a *api) handleTwoFactorDisable(c echo.Context) error {
	var req protocol.TwoFactorDisableRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	u, err := a.proveKey(c, evTwoFactorDisable, req.AuthKey)
	if err != nil {
		return err
	}
	if err := a.checkSecondFactor(c, u, req.SecondFactor); err != nil {
		return err
	}
	if err := a.Store.DisableTwoFactor(c.Request().Context(), u.ID); err != nil {
		return err
	}
	a.audit(c, evTwoFactorDisable, true, slog.String("user", u.Username), slog.String("session", who(c).SID))
	return c.NoContent(http.StatusNoContent)
}

// requireEnrolled refuses, on a server with RequireTwoFactor, every
// authenticated route but enrolment and logout to an account without 2FA.
func (a *api) requireEnrolled(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !a.RequireTwoFactor {
			return next(c)
		}
		path := strings.TrimPrefix(c.Path(), protocol.PathPrefix)
		if path == "/auth/logout" || path == "/account/2fa" || strings.HasPrefix(path, "/account/2fa/") {
			return next(c)
		}
		tf, err := a.Store.TwoFactor(c.Request().Context(), who(c).UserID)
		if err != nil {
			return err
		}
		if !tf.Enabled() {
			return errTwoFactorEnrolment
		}
		return next(c)
	}
}

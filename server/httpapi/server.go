package httpapi

import (
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"cipherleaf.dev/server/metrics"
	"cipherleaf.dev/server/ratelimit"
	"cipherleaf.dev/server/store"
	"cipherleaf.dev/server/tokens"
)

// Config holds the dependencies and limits of the API.
type Config struct {
	Store        *store.Store
	Access       *tokens.Access
	ParamsKey    []byte // HMAC key for the fake KDF salts of unknown users
	Logger       *slog.Logger
	Metrics      *metrics.Metrics
	Registration bool // accept new accounts
	BcryptCost   int
	MaxBody      int64 // bytes of a request body
	MaxBlob      int   // bytes of one note or manifest blob
	Quota        int64 // stored blob bytes per user; 0 means no limit
	IPLimit      ratelimit.Config
	UserLimit    ratelimit.Config
	TrustProxy   bool // take the client IP from X-Forwarded-For (behind a proxy)
	// Two-factor sign-in (SPEC §7.5): keys derived from the data folder's
	// secret (random when nil: tests only), code attempt limits
	// (DefaultCodeLimit when zero) and --require-2fa.
	TOTPSealKey      []byte
	RecoveryCodeKey  []byte
	CodeLimit        ratelimit.Config
	RequireTwoFactor bool
	Now              func() time.Time
	Rand             io.Reader
}

// api is the state shared by the handlers.
type api struct {
	Config
	ipLim     *ratelimit.Limiter
	userLim   *ratelimit.Limiter
	dummyHash []byte // bcrypt of random bytes, compared when a user is unknown
	tf        *twoFactor
}

// New returns the HTTP handler of the whole server.
func New(cfg Config) (*echo.Echo, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = metrics.New()
	}
	if cfg.BcryptCost == 0 {
		cfg.BcryptCost = bcrypt.DefaultCost
	}
	cfg.IPLimit.Now, cfg.UserLimit.Now = cfg.Now, cfg.Now
	a := &api{Config: cfg, ipLim: ratelimit.New(cfg.IPLimit), userLim: ratelimit.New(cfg.UserLimit)}
	var junk [32]byte
	if _, err := io.ReadFull(cfg.Rand, junk[:]); err != nil {
		return nil, fmt.Errorf("make dummy hash: %w", err)
	}
	h, err := bcrypt.GenerateFromPassword(junk[:], cfg.BcryptCost)
	if err != nil {
		return nil, fmt.Errorf("make dummy hash: %w", err)
	}
	a.dummyHash = h
	if a.tf, err = newTwoFactor(&a.Config); err != nil {
		return nil, err
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = a.handleError
	if cfg.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	} else {
		e.IPExtractor = echo.ExtractIPDirect()
	}
	a.routes(e)
	return e, nil
}

package httpapi

import (
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/blob"
	"cipherleaf.dev/server/events"
	"cipherleaf.dev/server/metrics"
	"cipherleaf.dev/server/ratelimit"
	"cipherleaf.dev/server/tokens"
)

// Config holds the dependencies and limits of the API.
type Config struct {
	Store         server.Store
	Access        *tokens.Access
	ParamsKey     []byte // HMAC key for the fake KDF salts of unknown users
	Logger        *slog.Logger
	Metrics       *metrics.Metrics
	Registration  bool // accept new accounts
	BcryptCost    int
	MaxBody       int64            // bytes of a request body
	AuthBody      int64            // bytes of an unauthenticated request's body; 8 KiB if 0
	BodyBudget    int64            // bytes of large bodies read at once, server-wide; 2*MaxBody if 0
	AuthInflight  int              // unauthenticated requests in flight per source; 8 if 0, -1 for no cap
	MaxBlob       int              // bytes of one note or manifest blob
	Quota         int64            // stored blob bytes per user; 0 means no limit
	Blobs         blob.Store       // attachment bytes (SPEC §7.7)
	MaxAttachment int64            // largest attachment content; 0: protocol.MaxAttachmentSize
	IPLimit       ratelimit.Config // per source, over every unauthenticated auth request
	UserLimit     ratelimit.Config // per (account, source): rate and lockout of sign-ins
	AccountLimit  ratelimit.Config // per account across sources: lockout of unknown sources (SPEC §7.6)
	KnownSource   time.Duration    // how long a successful sign-in keeps its source known; 30 days if 0
	BcryptWorkers int              // concurrent bcrypt runs; cores-1 (at least 1) if 0
	BcryptWait    time.Duration    // longest wait for a bcrypt slot before a 429; 1s if 0
	// TrustedProxies are the peers whose X-Forwarded-For is believed
	// (walked from the right, skipping trusted hops); nobody else's is.
	TrustedProxies []*net.IPNet
	// MetricsToken, when set, serves GET /metrics to requests bearing it;
	// when empty the API serves no /metrics (see --metrics-addr).
	MetricsToken string
	// Two-factor sign-in (SPEC §7.5): keys derived from the data folder's
	// secret (random when nil: tests only), code attempt limits
	// (DefaultCodeLimit when zero) and --require-2fa.
	TOTPSealKey      []byte
	RecoveryCodeKey  []byte
	CodeLimit        ratelimit.Config
	RequireTwoFactor bool
	// Events carries live-push pokes (SPEC §7.10); an in-process hub if
	// nil. EventsHeartbeat is the idle streams' heartbeat (25 s if 0).
	Events          Pusher
	EventsHeartbeat time.Duration
	Now             func() time.Time
	Rand            io.Reader
}

// api is the state shared by the handlers.
type api struct {
	Config
	ipLim       *ratelimit.Limiter
	signIn      *ratelimit.SignIn
	bcrypt      *bcryptPool
	inflight    *inflight
	budget      *bodyBudget
	largeBodies *inflight // per user: large bodies being read
	// routeLabels and methodLabels are the paths and methods of the
	// routes, the only values metrics labels take besides "unmatched" and
	// "other". Written once in New.
	routeLabels, methodLabels map[string]struct{}
	dummyHash                 []byte // bcrypt of random bytes, compared when a user is unknown
	tf                        *twoFactor
}

// New returns the HTTP handler of the whole server.
func New(cfg Config) (*echo.Echo, error) {
	if cfg.Events == nil {
		cfg.Events = events.NewHub()
	}
	if cfg.EventsHeartbeat <= 0 {
		cfg.EventsHeartbeat = defaultHeartbeat
	}
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
	if cfg.AuthBody <= 0 {
		cfg.AuthBody = 8 << 10
	}
	if cfg.BodyBudget <= 0 {
		cfg.BodyBudget = 2 * cfg.MaxBody
	}
	if cfg.AuthInflight == 0 {
		cfg.AuthInflight = 8
	}
	if cfg.KnownSource == 0 {
		cfg.KnownSource = 30 * 24 * time.Hour
	}
	if cfg.BcryptWorkers <= 0 {
		cfg.BcryptWorkers = max(1, runtime.NumCPU()-1)
	}
	cfg.BcryptWorkers = min(cfg.BcryptWorkers, runtime.NumCPU())
	if cfg.BcryptWait <= 0 {
		cfg.BcryptWait = time.Second
	}
	cfg.IPLimit.Now = cfg.Now
	a := &api{
		Config: cfg,
		ipLim:  ratelimit.New(cfg.IPLimit),
		signIn: ratelimit.NewSignIn(ratelimit.SignInConfig{
			PerSource: cfg.UserLimit, Account: cfg.AccountLimit, KnownFor: cfg.KnownSource, Now: cfg.Now,
		}),
		bcrypt:      newBcryptPool(cfg.BcryptWorkers, cfg.BcryptWait),
		inflight:    newInflight(cfg.AuthInflight),
		budget:      newBodyBudget(cfg.BodyBudget, time.Second),
		largeBodies: newInflight(largeBodiesPerUser),
	}
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
	if len(cfg.TrustedProxies) > 0 {
		opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, n := range cfg.TrustedProxies {
			opts = append(opts, echo.TrustIPRange(n))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(opts...)
	} else {
		e.IPExtractor = echo.ExtractIPDirect()
	}
	a.routes(e)
	a.routeLabels, a.methodLabels = map[string]struct{}{}, map[string]struct{}{}
	for _, r := range e.Routes() {
		a.routeLabels[r.Path] = struct{}{}
		a.methodLabels[r.Method] = struct{}{}
	}
	return e, nil
}

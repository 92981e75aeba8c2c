package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"golang.org/x/time/rate"

	"cipherleaf.dev/server/events"
	"cipherleaf.dev/server/httpapi"
	"cipherleaf.dev/server/metrics"
	"cipherleaf.dev/server/ratelimit"
	"cipherleaf.dev/server/secret"
	"cipherleaf.dev/server/store/postgres"
	"cipherleaf.dev/server/store/sqlite"
	"cipherleaf.dev/server/tlsid"
	"cipherleaf.dev/server/tokens"
)

// serveConfig is everything "serve" reads from flags and environment.
type serveConfig struct {
	data          string
	db            string // --db: PostgreSQL shared by replicas
	secretFile    string // --secret-file: the secret from a mounted file
	addr          string
	tlsCert       string
	tlsKey        string
	insecureHTTP  bool
	trustProxy    bool
	trusted       cidrList
	tlsMin        string
	metricsAddr   string
	metricsToken  string
	registration  string
	bcryptCost    int
	accessTTL     time.Duration
	maxBody       sizeValue
	authBody      sizeValue
	bodyBudget    sizeValue
	authInflight  int
	maxBlob       sizeValue
	quota         sizeValue
	memLimit      sizeValue
	gcPercent     int
	logFormat     string
	logLevel      string
	ipRate        float64
	ipBurst       int
	userRate      float64
	userBurst     int
	lockAfter     int
	acctLockAfter int
	bcryptWorkers int
	bcryptWait    time.Duration
	lockBase      time.Duration
	lockMax       time.Duration
	cpuProfile    string
	require2FA    bool
	clockFile     string // test builds only (clock_testhooks.go)
	durability    string
	att           attachmentFlags
	history       historyFlags
	tombstones    tombstoneFlags // SPEC §7.6 tombstone retention
}

func serveFlags(stderr io.Writer) (*serveConfig, *flag.FlagSet) {
	c := &serveConfig{maxBody: 32 << 20, authBody: 8 << 10, maxBlob: 4 << 20, quota: 1 << 30, memLimit: 64 << 20}
	fs := newFlagSet("serve", stderr)
	fs.StringVar(&c.data, "data", "", "data folder (created on first start)")
	dbFlag(fs, &c.db)
	fs.StringVar(&c.secretFile, "secret-file", "", "read the 32-byte secret from this existing file instead of DIR/secret.key (orchestrators: a mounted secret shared by replicas)")
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8443", "address to listen on (port 0 picks a free one)")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "PEM certificate (chain) instead of the self-signed one")
	fs.StringVar(&c.tlsKey, "tls-key", "", "PEM key of --tls-cert")
	fs.BoolVar(&c.insecureHTTP, "insecure-http", false, "serve plain HTTP, only behind a TLS-terminating proxy")
	fs.BoolVar(&c.trustProxy, "trust-proxy", false, "removed: use --trusted-proxy CIDR")
	fs.Var(&c.trusted, "trusted-proxy", "CIDR of a reverse proxy whose X-Forwarded-For is believed (repeatable, or comma-separated)")
	fs.StringVar(&c.tlsMin, "tls-min", "", "lowest TLS version, 1.2 or 1.3 (default 1.3 with the self-signed certificate, 1.2 with --tls-cert)")
	fs.StringVar(&c.metricsAddr, "metrics-addr", "", "serve Prometheus /metrics in plain HTTP on this address (off if empty; keep it private)")
	fs.StringVar(&c.metricsToken, "metrics-token", "", "serve /metrics on the API address to requests with this bearer token (off if empty)")
	fs.StringVar(&c.registration, "registration", "open", "open or closed to new accounts")
	fs.IntVar(&c.bcryptCost, "bcrypt-cost", 12, "bcrypt cost for stored auth keys (4-31)")
	fs.DurationVar(&c.accessTTL, "access-ttl", 10*time.Minute, "lifetime of access tokens")
	fs.Var(&c.maxBody, "max-body", "largest request body (bytes, or with KiB/MiB/GiB)")
	fs.Var(&c.authBody, "max-auth-body", "largest body of an unauthenticated request (sign-in routes)")
	fs.Var(&c.bodyBudget, "body-budget", "bytes of large request bodies read at once, all clients together (0: twice --max-body)")
	fs.IntVar(&c.authInflight, "auth-inflight-per-ip", 8, "unauthenticated requests in flight per client IP (0: no cap)")
	fs.Var(&c.maxBlob, "max-blob", "largest note or manifest blob")
	fs.Var(&c.quota, "quota", "stored blob bytes per user (0: unlimited)")
	fs.Var(&c.memLimit, "mem-limit", "soft memory limit of the Go runtime (0: none; GOMEMLIMIT wins)")
	fs.IntVar(&c.gcPercent, "gc-percent", 100, "Go GC target percentage (GOGC wins if set)")
	fs.StringVar(&c.logFormat, "log-format", "text", "text or json")
	fs.StringVar(&c.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.Float64Var(&c.ipRate, "auth-ip-rate", 2, "auth requests per second per client IP (sustained)")
	fs.IntVar(&c.ipBurst, "auth-ip-burst", 30, "auth requests per client IP in a burst")
	fs.Float64Var(&c.userRate, "auth-user-rate", 0.2, "sign-ins per second per (username, client IP) (sustained)")
	fs.IntVar(&c.userBurst, "auth-user-burst", 10, "sign-ins per (username, client IP) in a burst")
	fs.IntVar(&c.lockAfter, "lockout-after", 5, "failed sign-ins of one (username, client IP) before its lockout (0: never)")
	fs.IntVar(&c.acctLockAfter, "account-lockout-after", 100, "failed sign-ins of a username from all IPs before IPs it never signed in from are locked out (0: never)")
	fs.IntVar(&c.bcryptWorkers, "bcrypt-workers", 0, "bcrypt hashes run at once (0: cores-1, at least 1; never more than the cores)")
	fs.DurationVar(&c.bcryptWait, "bcrypt-wait", time.Second, "longest wait for a bcrypt slot before answering 429")
	fs.DurationVar(&c.lockBase, "lockout-base", time.Second, "first lockout; doubles with each further failure")
	fs.DurationVar(&c.lockMax, "lockout-max", 15*time.Minute, "longest lockout")
	fs.BoolVar(&c.require2FA, "require-2fa", false, "accounts must turn on two-factor sign-in before they get a full session")
	addClockFlags(fs, c)
	fs.StringVar(&c.durability, "durability", "power", "power: every acknowledged write is fsynced (survives a power loss); process: survives only a process crash, faster on slow disks")
	c.att.register(fs)
	c.history.register(fs)
	c.tombstones.register(fs)
	fs.StringVar(&c.cpuProfile, "cpu-profile", "", "write a Go CPU profile of the whole run to this file (diagnostics)")
	return c, fs
}

func (c *serveConfig) check() error {
	switch {
	case c.registration != "open" && c.registration != "closed":
		return fmt.Errorf("%w: --registration must be open or closed", errUsage)
	case c.bcryptCost < 4 || c.bcryptCost > 31:
		return fmt.Errorf("%w: --bcrypt-cost must be 4 to 31", errUsage)
	case c.accessTTL < time.Second:
		return fmt.Errorf("%w: --access-ttl too short", errUsage)
	case (c.tlsCert == "") != (c.tlsKey == ""):
		return fmt.Errorf("%w: --tls-cert and --tls-key go together", errUsage)
	case c.insecureHTTP && c.tlsCert != "":
		return fmt.Errorf("%w: --insecure-http and --tls-cert exclude each other", errUsage)
	case c.trustProxy:
		return fmt.Errorf("%w: --trust-proxy is gone: list your proxies with --trusted-proxy CIDR", errUsage)
	case c.tlsMin != "" && c.tlsMin != "1.2" && c.tlsMin != "1.3":
		return fmt.Errorf("%w: --tls-min must be 1.2 or 1.3", errUsage)
	case c.metricsToken != "" && len(c.metricsToken) < 16:
		return fmt.Errorf("%w: --metrics-token needs at least 16 characters", errUsage)
	case c.authBody < 1024 || c.authInflight < 0:
		return fmt.Errorf("%w: need --max-auth-body >= 1KiB and --auth-inflight-per-ip >= 0", errUsage)
	case c.att.check() != nil:
		return c.att.check()
	case c.history.check() != nil:
		return c.history.check()
	case c.tombstones.check() != nil:
		return c.tombstones.check()
	case c.maxBlob <= 0 || c.maxBody <= 0 || c.maxBlob > c.maxBody:
		return fmt.Errorf("%w: need 0 < --max-blob <= --max-body", errUsage)
	}
	if err := checkDB(c.db); err != nil {
		return err
	}
	if _, err := sqlite.ParseDurability(c.durability); err != nil {
		return fmt.Errorf("%w: --durability must be power or process", errUsage)
	}
	return nil
}

func newLogger(format, level string, w io.Writer) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("%w: --log-level: %w", errUsage, err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("%w: --log-format must be text or json", errUsage)
}

// runServe starts the server and blocks until ctx ends, then shuts down
// gracefully: in-flight requests finish, the database closes cleanly.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, fs := serveFlags(stderr)
	if pos, err := parse(fs, args, getenv); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	if err := c.check(); err != nil {
		return err
	}
	log, err := newLogger(c.logFormat, c.logLevel, stderr)
	if err != nil {
		return err
	}
	// Memory: the live heap of a serving cipherleafd is a few MB, so the GC
	// target and a soft limit (both overridable by GOGC/GOMEMLIMIT) trade
	// a little CPU for a small resident size.
	if c.memLimit > 0 && getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(c.memLimit))
	}
	if getenv("GOGC") == "" {
		debug.SetGCPercent(c.gcPercent)
	}
	if c.cpuProfile != "" {
		f, err := os.Create(c.cpuProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	dir := dataDir(c.data)
	if err := dir.create(); err != nil {
		return err
	}
	secretPath := dir.secret()
	if c.secretFile != "" {
		if _, err := os.Stat(c.secretFile); err != nil {
			return fmt.Errorf("--secret-file: %w", err)
		}
		secretPath = c.secretFile
	}
	sec, err := secret.LoadOrCreate(secretPath, nil)
	if err != nil {
		return err
	}
	durability, _ := sqlite.ParseDurability(c.durability) // checked by c.check
	st, err := openDatabase(ctx, dir, storeConfig{db: c.db, durability: durability,
		histRevs: c.history.revisions, histDays: c.history.days})
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Error("close database", "err", err)
		}
	}()

	// Live push (SPEC §7.10): an in-process hub, relayed between replicas
	// by LISTEN/NOTIFY on a shared PostgreSQL.
	var pusher httpapi.Pusher = events.NewHub()
	if pg, ok := st.(*postgres.Store); ok {
		relay, err := pg.NewRelay(ctx, events.NewHub(), log)
		if err != nil {
			return err
		}
		defer relay.Close()
		pusher = relay
	}

	blobs, stopAttachments, err := startAttachments(ctx, dir, st, c.att, getenv, log)
	if err != nil {
		return err
	}
	defer stopAttachments()
	defer startHistorySweep(ctx, st, log)()
	defer startTombstoneCompaction(ctx, st, c.tombstones, log)()

	var tlsConf *tls.Config
	if !c.insecureHTTP {
		var cert tls.Certificate
		if c.tlsCert != "" {
			cert, err = tlsid.Load(c.tlsCert, c.tlsKey)
		} else {
			cert, err = tlsid.LoadOrCreate(dir.tlsCert(), dir.tlsKey(), time.Now())
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "fingerprint: %s\n", tlsid.Fingerprint(cert.Certificate[0]))
		min := c.tlsMin
		if min == "" {
			// Every client of the self-signed mode is ours; a proxy in
			// front of a real certificate may need 1.2.
			min = map[bool]string{true: "1.2", false: "1.3"}[c.tlsCert != ""]
		}
		v, err := tlsid.ParseVersion(min)
		if err != nil {
			return fmt.Errorf("%w: %w", errUsage, err)
		}
		tlsConf = tlsid.ServerConfig(cert, v)
	}

	limit := func(r float64, b int) ratelimit.Config {
		return ratelimit.Config{Rate: rate.Limit(r), Burst: b, MaxFailures: c.lockAfter, BaseLockout: c.lockBase, MaxLockout: c.lockMax}
	}
	mets := metrics.New()
	handler, err := httpapi.New(httpapi.Config{
		Store:          st,
		Access:         tokens.NewAccess(sec.Derive("cipherleaf/jwt-hs256"), c.accessTTL, nil),
		ParamsKey:      sec.Derive("cipherleaf/params"),
		Logger:         log,
		Metrics:        mets,
		Registration:   c.registration == "open",
		BcryptCost:     c.bcryptCost,
		MaxBody:        int64(c.maxBody),
		AuthBody:       int64(c.authBody),
		BodyBudget:     int64(c.bodyBudget),
		AuthInflight:   map[bool]int{true: -1, false: c.authInflight}[c.authInflight == 0],
		MaxBlob:        int(c.maxBlob),
		Quota:          int64(c.quota),
		Blobs:          blobs,
		MaxAttachment:  int64(c.att.max),
		IPLimit:        limit(c.ipRate, c.ipBurst),
		UserLimit:      limit(c.userRate, c.userBurst),
		AccountLimit:   ratelimit.Config{MaxFailures: c.acctLockAfter, BaseLockout: c.lockBase, MaxLockout: c.lockMax},
		BcryptWorkers:  c.bcryptWorkers,
		BcryptWait:     c.bcryptWait,
		TrustedProxies: c.trusted,
		MetricsToken:   c.metricsToken,
		// Two-factor sign-in (SPEC §7.5): wrong codes lock out like logins.
		TOTPSealKey:      sec.Derive("cipherleaf/totp"),
		RecoveryCodeKey:  sec.Derive("cipherleaf/recovery-codes"),
		CodeLimit:        ratelimit.Config{Rate: 1, Burst: 10, MaxFailures: max(c.lockAfter, 1), BaseLockout: c.lockBase, MaxLockout: c.lockMax},
		RequireTwoFactor: c.require2FA,
		Events:           pusher,
		Now:              c.clock(),
	})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		TLSConfig:         tlsConf,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// Attachment uploads arrive in frames of up to 256 KiB rather than
		// HTTP/2's default 16 KiB (fewer frames to hand between goroutines).
		HTTP2: &http.HTTP2Config{MaxReadFrameSize: 256 << 10},
	}
	errc := make(chan error, 2)
	if c.metricsAddr != "" {
		msrv, err := serveMetrics(c.metricsAddr, mets, log, stdout, errc)
		if err != nil {
			return err
		}
		defer msrv.Close()
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	scheme := "https"
	if c.insecureHTTP {
		scheme = "http"
		log.Warn("serving plain HTTP: only safe behind a TLS-terminating proxy")
	}
	fmt.Fprintf(stdout, "listening on %s://%s\n", scheme, ln.Addr())
	log.Info("serving", "addr", ln.Addr().String(), "data", c.data, "registration", c.registration, "database", engineName(c.db), "durability", durability.String())

	go func() {
		if tlsConf != nil {
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

package apiclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// Defaults applied by New for zero Config fields, and fixed limits.
const (
	DefaultTimeout = 30 * time.Second // per request
	DefaultRetries = 3                // on network errors, 5xx and 429

	// MaxResponseBytes caps the body read from the server so a malicious
	// one cannot exhaust memory. A page of changes is at most 8 MiB of
	// blobs (SPEC §7.3), about 11 MiB as base64 JSON.
	MaxResponseBytes = 64 << 20

	// MaxRetryAfter caps a server's Retry-After.
	MaxRetryAfter = 30 * time.Second

	userAgent = "cipherleaf-client/1"
)

// Config configures a Client.
type Config struct {
	BaseURL string        // https://host:port (no /api/v1)
	Pin     string        // "sha256:<lowercase hex>" of the leaf cert DER; "" = verify with system roots
	Timeout time.Duration // per request; 0 = 30s
	Retries int           // on network errors, 5xx and 429; 0 = 3, negative = none
	Tokens  Tokens        // initial tokens (may be empty)
	// OnTokens is called after each successful login or refresh, in the
	// order the tokens changed, so the caller can persist them. It must
	// not wait for anything that may wait on this client (a sync): hand
	// the tokens off and return.
	OnTokens func(Tokens)
	// Refresh, when set, runs every refresh of the session: several
	// processes that share one session (the app and the CLI on one
	// profile, SPEC §8) must never spend one refresh token twice. It gets
	// the tokens held and trade, which spends held.Refresh with the
	// server, and returns the pair to install: trade's answer, or a newer
	// pair another process obtained meanwhile. ctx carries the refresh's
	// deadline; an error wrapping ErrSessionExpired ends the session.
	Refresh func(ctx context.Context, held Tokens, trade func(context.Context) (Tokens, error)) (Tokens, error)
}

// Tokens are the credentials of one session.
type Tokens struct{ Access, Refresh, SessionID, UserID string }

// Client talks to one server for one account. It is safe for concurrent use.
type Client struct {
	http      *resty.Client
	base      string // scheme://host[:port], no trailing slash
	onTokens  func(Tokens)
	refresher func(context.Context, Tokens, func(context.Context) (Tokens, error)) (Tokens, error)
	timeout   time.Duration // per request attempt
	opts      options
	tokens    tokenState
	answers   spareBuffer // the buffer of the last JSON answer, for the next
	requests  spareBuffer // buffers of batch request bodies, for the next
}

// options are the knobs tests turn; New uses defaultOptions.
type options struct {
	bodyLimit      int
	retryWait      time.Duration // first backoff step
	retryMaxWait   time.Duration // cap of one wait, Retry-After included
	retryAfterUnit time.Duration // one Retry-After second
}

func defaultOptions() options {
	return options{
		bodyLimit:      MaxResponseBytes,
		retryWait:      250 * time.Millisecond,
		retryMaxWait:   MaxRetryAfter,
		retryAfterUnit: time.Second,
	}
}

// New returns a Client for cfg. It does not contact the server.
func New(cfg Config) (*Client, error) {
	return newClient(cfg, defaultOptions())
}

func newClient(cfg Config, o options) (*Client, error) {
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("new api client: %w", err)
	}
	tlsCfg, err := tlsConfig(cfg.Pin)
	if err != nil {
		return nil, fmt.Errorf("new api client: %w", err)
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	retries := cfg.Retries
	switch {
	case retries == 0:
		retries = DefaultRetries
	case retries < 0:
		retries = 0
	}
	c := &Client{base: base, onTokens: cfg.OnTokens, refresher: cfg.Refresh, timeout: timeout, opts: o}
	c.tokens.init(cfg.Tokens)
	c.http = resty.New().
		SetLogger(discardLogger{}).
		SetTLSClientConfig(tlsCfg).
		SetTimeout(timeout).
		SetRedirectPolicy(resty.NoRedirectPolicy()).
		SetRetryCount(retries).
		SetRetryWaitTime(o.retryWait).
		SetRetryMaxWaitTime(o.retryMaxWait).
		SetRetryAfter(c.retryAfter).
		SetResponseBodyLimit(o.bodyLimit).
		SetHeader("User-Agent", userAgent).
		SetHeader("Accept", "application/json")
	hc := c.http.GetClient()
	if t, ok := hc.Transport.(*http.Transport); ok {
		// Attachments move in frames of up to 256 KiB rather than
		// HTTP/2's default 16 KiB: fewer frames to hand between the
		// server's goroutines (a 256 MiB download is 16,384 of them).
		t.HTTP2 = &http.HTTP2Config{MaxReadFrameSize: transferFrameSize}
	}
	hc.Transport = jsonBodies{next: hc.Transport}
	return c, nil
}

// transferFrameSize is the largest HTTP/2 frame the client accepts.
const transferFrameSize = 256 << 10

// parseBaseURL accepts https://host[:port] with an optional trailing slash.
func parseBaseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("parse server URL: %w", err)
	}
	if u.Scheme != "https" {
		return "", errors.New("server URL must start with https://")
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.Trim(u.Path, "/") != "" {
		return "", errors.New("server URL must be https://host[:port] with nothing after it")
	}
	return "https://" + u.Host, nil
}

// discardLogger keeps resty quiet: its messages may carry URLs and would
// land on a CLI user's stderr.
type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}

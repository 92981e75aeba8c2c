package apiclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/go-resty/resty/v2"

	"cipherleaf.dev/shared/protocol"
)

// call describes one API request.
type call struct {
	method string
	path   string // under /api/v1 unless root
	root   bool   // path is not under /api/v1 (healthz)
	query  url.Values
	body   any // sent as JSON when non-nil
	out    any // a 2xx body is decoded into it when non-nil

	auth      bool // send the bearer token; refresh once on 401
	bodyCreds bool // the body carries a password proof: a 401 after a refresh is about it, not the session
	once      bool // not idempotent: retry only when the server surely did not act

	conflict func(body []byte) error // decodes a 409; nil = plain *protocol.APIError
	peek     func(body []byte)       // sees a 2xx body before it is decoded, if set
}

// authAttempts bounds how often an authenticated call is sent: a 401 right
// after a successful refresh means the new access token expired in flight
// (short lifetimes, second-granular expiry), not that the session ended,
// so the call refreshes and tries again, a few times at most.
const authAttempts = 3

// do runs cl. An authenticated call that gets 401 refreshes the tokens and
// is sent again; only a refused refresh (or 401s that outlast authAttempts)
// means the session ended. For a call whose body carries a password proof,
// a 401 after a refresh is about the proof and is returned as it is.
func (c *Client) do(ctx context.Context, cl call) error {
	if !cl.auth {
		resp, err := c.send(ctx, cl, "")
		return c.handle(ctx, cl, resp, err)
	}
	access, gen := c.tokens.snapshot()
	if access == "" {
		if err := c.refresh(ctx, gen); err != nil {
			return err
		}
		access, gen = c.tokens.snapshot()
	}
	for attempt := 1; ; attempt++ {
		resp, err := c.send(ctx, cl, access)
		if err != nil || resp.StatusCode() != http.StatusUnauthorized || (cl.bodyCreds && attempt > 1) {
			return c.handle(ctx, cl, resp, err)
		}
		if attempt == authAttempts {
			return ErrSessionExpired
		}
		if err := c.refresh(ctx, gen); err != nil {
			return err
		}
		access, gen = c.tokens.snapshot()
	}
}

// send performs cl with resty's retries.
func (c *Client) send(ctx context.Context, cl call, access string) (*resty.Response, error) {
	// The condition runs on every attempt: it also notes the wait a 429
	// asked for, so that a later network failure can still report it.
	var wait time.Duration
	retry := retryCondition(cl.once)
	a := &answer{limit: c.opts.bodyLimit, spare: &c.answers}
	if cl.body != nil {
		rb, err := newRequestBody(cl.body, &c.requests)
		if err != nil {
			return nil, fmt.Errorf("encode request: %w", err)
		}
		a.request = rb
		defer rb.release()
	}
	ctx = withAnswer(ctx, a)
	r := c.http.R().SetContext(ctx).AddRetryCondition(func(resp *resty.Response, err error) bool {
		if err == nil && resp != nil && resp.StatusCode() == http.StatusTooManyRequests {
			wait = parseRetryAfter(resp.Header().Get("Retry-After"), time.Now())
		}
		return retry(resp, err)
	})
	if access != "" {
		r.SetAuthToken(access)
	}
	if a.request != nil {
		r.SetHeader("Content-Type", "application/json")
	}
	if cl.query != nil {
		r.SetQueryParamsFromValues(cl.query)
	}
	u := c.base + protocol.PathPrefix + cl.path
	if cl.root {
		u = c.base + cl.path
	}
	resp, err := r.Execute(cl.method, u)
	if err != nil && wait > 0 {
		err = &waitError{err: err, wait: wait}
	}
	return resp, err
}

// handle turns a response or transport error into cl.out or a typed error.
func (c *Client) handle(ctx context.Context, cl call, resp *resty.Response, err error) error {
	if err != nil {
		return c.transportError(ctx, err)
	}
	// Every decoder below copies what it keeps: the body's buffer is
	// reused once they return.
	body := bodyOf(resp)
	defer answerOf(resp.Request.Context()).release()
	st := resp.StatusCode()
	switch {
	case st >= 200 && st < 300:
		if cl.peek != nil {
			cl.peek(body)
		}
		if cl.out == nil {
			return nil
		}
		return decodeJSON(body, cl.out)
	case st == http.StatusConflict && cl.conflict != nil:
		return cl.conflict(body)
	default:
		err := apiError(st, body)
		if ae, ok := err.(*protocol.APIError); ok && st == http.StatusTooManyRequests {
			ae.Wait = parseRetryAfter(resp.Header().Get("Retry-After"), time.Now())
		}
		return err
	}
}

// transportError classifies an error that produced no HTTP answer.
func (c *Client) transportError(ctx context.Context, err error) error {
	switch {
	case errors.Is(err, ErrPinMismatch):
		return ErrPinMismatch
	case isCertError(err):
		return fmt.Errorf("%w: %w", ErrUntrustedCert, err)
	case errors.Is(err, resty.ErrResponseBodyTooLarge):
		return fmt.Errorf("%w: answer larger than %d bytes", ErrBadResponse, c.opts.bodyLimit)
	case ctx.Err() != nil:
		return ctx.Err()
	default:
		return fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
}

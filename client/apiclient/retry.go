package apiclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/go-resty/resty/v2"
)

// retryCondition decides whether resty tries again. Idempotent calls retry on
// network errors, 5xx and 429; calls marked once only when the request never
// reached the server (a failed dial) or the server refused it outright (429,
// 503). Certificate problems, oversize answers and cancellation never retry.
func retryCondition(once bool) resty.RetryConditionFunc {
	return func(r *resty.Response, err error) bool {
		if err != nil {
			if errors.Is(err, ErrPinMismatch) || isCertError(err) ||
				errors.Is(err, resty.ErrResponseBodyTooLarge) ||
				errors.Is(err, context.Canceled) {
				return false
			}
			if r != nil && r.Request != nil && r.Request.Context().Err() != nil {
				return false
			}
			return !once || notSent(err)
		}
		st := r.StatusCode()
		if st == http.StatusTooManyRequests || st == http.StatusServiceUnavailable {
			return true
		}
		return !once && st >= 500
	}
}

// notSent reports whether err happened before the request left (dialing).
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// retryAfter honours a Retry-After header (seconds or an HTTP date), capped
// at opts.retryMaxWait; 0 lets resty use exponential backoff with jitter.
func (c *Client) retryAfter(_ *resty.Client, r *resty.Response) (time.Duration, error) {
	if r == nil {
		return 0, nil
	}
	d := parseRetryAfter(r.Header().Get("Retry-After"), time.Now())
	if d <= 0 {
		return 0, nil
	}
	d = min(d, MaxRetryAfter) / time.Second * c.opts.retryAfterUnit
	return min(d, c.opts.retryMaxWait), nil
}

// maxReportedWait caps the wait an error reports, so a hostile server
// cannot tell a person to come back next year.
const maxReportedWait = time.Hour

// parseRetryAfter reads a Retry-After header, seconds or an HTTP date, as
// the wait from now: 0 when absent, malformed or not in the future, at most
// maxReportedWait.
func parseRetryAfter(h string, now time.Time) time.Duration {
	var d time.Duration
	if secs, err := strconv.Atoi(h); err == nil {
		d = time.Duration(min(max(secs, 0), int(maxReportedWait/time.Second))) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxReportedWait)
}

// waitError is the failure of a call the server had answered with 429 and
// a Retry-After before the retries ran out on a network error: it tells
// how long the server asked to wait.
type waitError struct {
	err  error
	wait time.Duration
}

func (e *waitError) Error() string {
	return fmt.Sprintf("%v (the server asked to retry after %v)", e.err, e.wait)
}

func (e *waitError) Unwrap() error { return e.err }

// RetryAfter is how long the server asked to wait.
func (e *waitError) RetryAfter() time.Duration { return e.wait }

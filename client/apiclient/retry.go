package apiclient

import (
	"context"
	"errors"
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
	h := r.Header().Get("Retry-After")
	if h == "" {
		return 0, nil
	}
	var d time.Duration
	if secs, err := strconv.Atoi(h); err == nil {
		if secs <= 0 {
			return 0, nil
		}
		d = time.Duration(min(secs, int(MaxRetryAfter/time.Second))) * c.opts.retryAfterUnit
	} else if t, err := http.ParseTime(h); err == nil {
		d = time.Until(t)
	}
	if d <= 0 {
		return 0, nil
	}
	return min(d, c.opts.retryMaxWait), nil
}

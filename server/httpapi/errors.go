package httpapi

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/blob"
	"cipherleaf.dev/server/tokens"
	"cipherleaf.dev/shared/protocol"
)

// Errors the handlers return; errorResponse maps each (and the store's) to
// one status and code.
var (
	errBadRequest         = errors.New("malformed request")
	errUnauthorized       = errors.New("wrong username or key, or the session has ended; sign in again")
	errAccountDisabled    = errors.New("this account is disabled; ask the server's administrator")
	errRegistrationClosed = errors.New("this server does not accept new accounts")
	errTooLarge           = errors.New("request too large")
	errRateLimited        = errors.New("too many attempts; wait and try again")
	errMethodNotAllowed   = errors.New("method not allowed")
	// Two-factor sign-in (SPEC §7.5).
	errTwoFactorRequired  = errors.New("this account uses two-factor sign-in: enter a code from your authenticator app or a recovery code")
	errTwoFactorInvalid   = errors.New("that two-factor code is wrong, already used or expired")
	errTwoFactorEnrolment = errors.New("this server requires two-factor sign-in: turn it on first")
	errTwoFactorOn        = errors.New("two-factor sign-in is already on for this account")
)

// clientError is a sentinel with more precise words for the client. Words
// are always constant text written in this package, never an error chain
// from below, so internals cannot leak.
type clientError struct {
	kind  error
	words string
}

func (e *clientError) Error() string { return e.words }
func (e *clientError) Unwrap() error { return e.kind }

func badRequest(words string) error { return &clientError{errBadRequest, words} }
func tooLarge(words string) error   { return &clientError{errTooLarge, words} }

// rateLimitedError carries how long the client should wait.
type rateLimitedError struct{ retry time.Duration }

func (e *rateLimitedError) Error() string { return errRateLimited.Error() }
func (e *rateLimitedError) Unwrap() error { return errRateLimited }

// errorResponse is the one place that turns an error into an HTTP status
// and body. Anything it does not know is a 500 with no detail.
func errorResponse(err error) (status int, body any) {
	words := func(def error) string {
		var ce *clientError
		if errors.As(err, &ce) {
			return ce.words
		}
		return def.Error()
	}
	eb := func(status int, code string, w string) (int, any) {
		return status, protocol.ErrorBody{Error: w, Code: code}
	}
	var conflict *server.ConflictError
	var mconflict *server.ManifestConflictError
	var maxBytes *http.MaxBytesError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &conflict):
		return http.StatusConflict, protocol.ConflictResponse{
			Error: "the note changed on the server since your base revision", Code: protocol.CodeConflict, Current: conflict.Current}
	case errors.As(err, &mconflict):
		return http.StatusConflict, protocol.ManifestConflict{
			Error: "the manifest changed on the server since your base version", Code: protocol.CodeConflict, Current: mconflict.Current}
	case isAttachmentConflict(err):
		return eb(http.StatusConflict, protocol.CodeConflict, "the attachment upload is not where this request expected it")
	case errors.Is(err, blob.ErrTooLong):
		return eb(http.StatusRequestEntityTooLarge, protocol.CodeTooLarge, "more bytes than the attachment's declared size")
	case errors.Is(err, blob.ErrNotFound):
		return eb(http.StatusNotFound, protocol.CodeNotFound, "not found")
	case errors.Is(err, server.ErrKeyConflict):
		return eb(http.StatusConflict, protocol.CodeConflict, "the account key changed on the server since your base generation")
	case errors.Is(err, protocol.ErrInvalidUsername):
		return eb(http.StatusBadRequest, protocol.CodeInvalidUsername, protocol.ErrInvalidUsername.Error())
	case errors.Is(err, errBadRequest):
		return eb(http.StatusBadRequest, protocol.CodeBadRequest, words(errBadRequest))
	case errors.Is(err, errUnauthorized), errors.Is(err, tokens.ErrInvalidToken):
		return eb(http.StatusUnauthorized, protocol.CodeUnauthorized, errUnauthorized.Error())
	case errors.Is(err, errAccountDisabled):
		return eb(http.StatusForbidden, protocol.CodeAccountDisabled, errAccountDisabled.Error())
	case errors.Is(err, errTwoFactorRequired):
		return eb(http.StatusForbidden, protocol.CodeTwoFactorRequired, errTwoFactorRequired.Error())
	case errors.Is(err, errTwoFactorInvalid):
		return eb(http.StatusForbidden, protocol.CodeTwoFactorInvalid, errTwoFactorInvalid.Error())
	case errors.Is(err, errTwoFactorEnrolment):
		return eb(http.StatusForbidden, protocol.CodeTwoFactorEnrolment, errTwoFactorEnrolment.Error())
	case errors.Is(err, errTwoFactorOn):
		return eb(http.StatusConflict, protocol.CodeConflict, errTwoFactorOn.Error())
	case errors.Is(err, errRegistrationClosed):
		return eb(http.StatusForbidden, protocol.CodeRegistrationClosed, errRegistrationClosed.Error())
	case errors.Is(err, server.ErrNotFound):
		return eb(http.StatusNotFound, protocol.CodeNotFound, "not found")
	case errors.Is(err, server.ErrUsernameTaken):
		return eb(http.StatusConflict, protocol.CodeUsernameTaken, "this username is taken")
	case errors.Is(err, server.ErrCursorCompacted):
		return eb(http.StatusGone, protocol.CodeCursorCompacted, "deleted notes older than your last sync were compacted: sync again from the start")
	case errors.Is(err, server.ErrQuotaExceeded):
		return eb(http.StatusRequestEntityTooLarge, protocol.CodeQuotaExceeded, "your storage quota on this server is full")
	case errors.Is(err, errTooLarge), errors.As(err, &maxBytes):
		return eb(http.StatusRequestEntityTooLarge, protocol.CodeTooLarge, words(errTooLarge))
	case errors.Is(err, errRateLimited):
		return eb(http.StatusTooManyRequests, protocol.CodeRateLimited, errRateLimited.Error())
	case errors.Is(err, errMethodNotAllowed):
		return eb(http.StatusMethodNotAllowed, protocol.CodeBadRequest, errMethodNotAllowed.Error())
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusNotFound:
			return eb(http.StatusNotFound, protocol.CodeNotFound, "not found")
		case http.StatusMethodNotAllowed:
			return eb(http.StatusMethodNotAllowed, protocol.CodeBadRequest, errMethodNotAllowed.Error())
		case http.StatusRequestEntityTooLarge:
			return eb(http.StatusRequestEntityTooLarge, protocol.CodeTooLarge, errTooLarge.Error())
		}
		if he.Code >= 400 && he.Code < 500 {
			return eb(http.StatusBadRequest, protocol.CodeBadRequest, errBadRequest.Error())
		}
	}
	return eb(http.StatusInternalServerError, protocol.CodeInternal, "internal server error")
}

// handleError is Echo's error handler: it writes errorResponse's answer
// and logs what is a server fault.
func (a *api) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, body := errorResponse(err)
	if status >= 500 {
		a.Logger.ErrorContext(c.Request().Context(), "request failed",
			"method", c.Request().Method, "route", c.Path(), "err", err)
	}
	var rl *rateLimitedError
	if errors.As(err, &rl) {
		secs := int64(math.Ceil(rl.retry.Seconds()))
		c.Response().Header().Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
	}
	if c.Request().Method == http.MethodHead {
		c.NoContent(status)
		return
	}
	if err := c.JSON(status, body); err != nil {
		a.Logger.Error("write error response", "err", err)
	}
}

package protocol

import (
	"fmt"
	"time"
)

// Error codes of the API (SPEC §7). Each maps to exactly one HTTP status.
const (
	CodeBadRequest         = "bad_request"
	CodeInvalidUsername    = "invalid_username"
	CodeUnauthorized       = "unauthorized"
	CodeAccountDisabled    = "account_disabled"
	CodeRegistrationClosed = "registration_closed"
	CodeNotFound           = "not_found"
	CodeUsernameTaken      = "username_taken"
	CodeConflict           = "conflict"
	CodeTooLarge           = "too_large"
	CodeQuotaExceeded      = "quota_exceeded"
	CodeRateLimited        = "rate_limited"
	CodeInternal           = "internal"
	// CodeCursorCompacted (410): the since cursor is older than tombstones
	// the server compacted away; pull again from 0 (SPEC §7.3).
	CodeCursorCompacted = "cursor_compacted"
)

// ErrorBody is the body of every non-2xx answer.
type ErrorBody struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// APIError is an error answer received from (or produced by) the server.
type APIError struct {
	Status int           // HTTP status
	Code   string        // one of the Code constants
	Msg    string        // human words from the server
	Wait   time.Duration // a 429's Retry-After as received (0: none)
}

func (e *APIError) Error() string {
	return fmt.Sprintf("server answered %d %s: %s", e.Status, e.Code, e.Msg)
}

// RetryAfter is how long the server asked to wait before trying again
// (a 429's Retry-After), or 0.
func (e *APIError) RetryAfter() time.Duration { return e.Wait }

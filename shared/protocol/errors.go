package protocol

import "fmt"

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
)

// ErrorBody is the body of every non-2xx answer.
type ErrorBody struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// APIError is an error answer received from (or produced by) the server.
type APIError struct {
	Status int    // HTTP status
	Code   string // one of the Code constants
	Msg    string // human words from the server
}

func (e *APIError) Error() string {
	return fmt.Sprintf("server answered %d %s: %s", e.Status, e.Code, e.Msg)
}

package vault

import "errors"

var (
	// ErrNoAccount means the profile has no account yet.
	ErrNoAccount = errors.New("no account in this profile")
	// ErrNotFound means no note row has that id.
	ErrNotFound = errors.New("note not found in vault")
)

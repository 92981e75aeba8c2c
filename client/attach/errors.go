package attach

import "errors"

// Errors of this package; core.Words says them to a person.
var (
	ErrEmptyFile    = errors.New("the file is empty")
	ErrFileTooLarge = errors.New("the file is over the attachment size limit")
	ErrFileChanged  = errors.New("the file changed while it was read")
	// ErrTampered: a blob did not open as its reference says (SPEC §11.4).
	ErrTampered = errors.New("tampered attachment")
	// ErrNotCached: the blob is not in the profile and was not fetched.
	ErrNotCached = errors.New("attachment not downloaded yet")
)

package ui

import "cipherleaf.dev/client/core"

// words turns an error into a sentence for people. It is the only place the
// UI renders an error; every dialog, banner and status line goes through it,
// and it defers to core.Words, the client's one error-to-words mapping.
func words(err error) string { return core.Words(err) }

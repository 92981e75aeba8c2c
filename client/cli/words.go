package cli

import "cipherleaf.dev/client/core"

// coreWords shows a core error in a person's words. core.Words is the one
// place in the client that maps errors to words; the CLI adds none.
func coreWords(err error) string { return core.Words(err) }

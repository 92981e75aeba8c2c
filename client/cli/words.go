package cli

// coreWords shows a core error in a person's words.
//
// TODO(core): call core.Words(err) once the core provides it — it is the one
// place in the client that maps errors to words; the CLI must not grow a
// second one. Until then the error's own text is shown.
func coreWords(err error) string { return err.Error() }

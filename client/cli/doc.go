// Package cli is cipherleaf-cli: a thin command line over Core.
//
// Run parses the arguments, opens the profile through an injected
// constructor, performs one command and returns. Everything it needs from the
// process (arguments, environment, standard streams) is passed in, so tests
// drive it with a fake or a real core and buffers. On failure Run writes
// exactly one line to stderr and returns the error; the caller exits
// non-zero.
package cli

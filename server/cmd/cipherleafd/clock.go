//go:build !cipherleaf_testhooks

package main

import (
	"flag"
	"time"
)

// addClockFlags adds nothing: only test builds (-tags cipherleaf_testhooks)
// have a settable clock.
func addClockFlags(*flag.FlagSet, *serveConfig) {}

// clock is the real clock.
func (c *serveConfig) clock() func() time.Time { return time.Now }

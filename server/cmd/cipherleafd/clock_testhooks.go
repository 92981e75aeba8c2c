//go:build cipherleaf_testhooks

package main

import (
	"flag"
	"os"
	"strconv"
	"strings"
	"time"
)

// addClockFlags adds --test-clock-file, in test builds only (built with
// -tags cipherleaf_testhooks; a release build has no such flag).
func addClockFlags(fs *flag.FlagSet, c *serveConfig) {
	fs.StringVar(&c.clockFile, "test-clock-file", "", "TEST BUILDS ONLY: file holding seconds to add to the clock")
}

// clock is the real clock shifted by the seconds in c.clockFile, read at
// every call, so end-to-end tests move the server's time (TOTP steps,
// lockouts) without waiting.
func (c *serveConfig) clock() func() time.Time {
	if c.clockFile == "" {
		return time.Now
	}
	path := c.clockFile
	return func() time.Time {
		b, err := os.ReadFile(path)
		if err != nil {
			return time.Now()
		}
		off, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil {
			return time.Now()
		}
		return time.Now().Add(time.Duration(off) * time.Second)
	}
}

// Package xvfb starts a virtual X screen for tests that run the real app
// or talk to a real X server (Linux only).
package xvfb

// Package keystore keeps small secrets (the "remember this device" key) in the
// operating system's keyring: Secret Service on Linux, Keychain on macOS,
// Credential Manager on Windows. Tests use keyring.MockInit.
package keystore

import (
	"errors"
	"fmt"
	"sync"

	"github.com/zalando/go-keyring"
)

// ErrNotFound means the keyring holds no secret under that name.
var ErrNotFound = errors.New("no secret in the keyring")

// ErrUnavailable means the OS keyring could not be used at all (none
// running, locked, or access refused); the cause is wrapped with it.
var ErrUnavailable = errors.New("the OS keyring is not available")

// Keyring stores secrets by service and user name.
type Keyring interface {
	Get(service, user string) (string, error) // ErrNotFound when absent
	Set(service, user, secret string) error
	Delete(service, user string) error // nil when absent
}

// OS is the operating system keyring.
type OS struct{}

// osMu serializes calls into go-keyring: the OS services take concurrent
// callers, but its in-memory stand-in (keyring.MockInit, used by tests
// where several devices refresh tokens at once) is a bare map.
var osMu sync.Mutex

var _ Keyring = OS{}

// Get returns the secret stored for service and user.
func (OS) Get(service, user string) (string, error) {
	osMu.Lock()
	s, err := keyring.Get(service, user)
	osMu.Unlock()
	if errors.Is(err, keyring.ErrNotFound) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("read keyring: %w: %w", ErrUnavailable, err)
	}
	return s, nil
}

// Set stores secret for service and user, replacing any previous one.
func (OS) Set(service, user, secret string) error {
	osMu.Lock()
	err := keyring.Set(service, user, secret)
	osMu.Unlock()
	if err != nil {
		return fmt.Errorf("write keyring: %w: %w", ErrUnavailable, err)
	}
	return nil
}

// Delete removes the secret; a missing secret is not an error.
func (OS) Delete(service, user string) error {
	osMu.Lock()
	err := keyring.Delete(service, user)
	osMu.Unlock()
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("delete from keyring: %w: %w", ErrUnavailable, err)
	}
	return nil
}

// None is a machine without a keyring: reads and writes report
// ErrUnavailable, so sign-in tokens stay in the vault file (SPEC §8), and
// Delete has nothing to delete. Tests whose profiles a child process (the
// CLI, the app) must open use it, since a child has no in-memory keyring.
type None struct{}

var _ Keyring = None{}

// Get implements Keyring.
func (None) Get(string, string) (string, error) {
	return "", fmt.Errorf("read keyring: %w", ErrUnavailable)
}

// Set implements Keyring.
func (None) Set(string, string, string) error {
	return fmt.Errorf("write keyring: %w", ErrUnavailable)
}

// Delete implements Keyring.
func (None) Delete(string, string) error { return nil }

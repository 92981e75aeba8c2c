// Package keystore keeps small secrets (the "remember this device" key) in the
// operating system's keyring: Secret Service on Linux, Keychain on macOS,
// Credential Manager on Windows. Tests use keyring.MockInit.
package keystore

import (
	"errors"
	"fmt"

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

var _ Keyring = OS{}

// Get returns the secret stored for service and user.
func (OS) Get(service, user string) (string, error) {
	s, err := keyring.Get(service, user)
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
	if err := keyring.Set(service, user, secret); err != nil {
		return fmt.Errorf("write keyring: %w: %w", ErrUnavailable, err)
	}
	return nil
}

// Delete removes the secret; a missing secret is not an error.
func (OS) Delete(service, user string) error {
	err := keyring.Delete(service, user)
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("delete from keyring: %w: %w", ErrUnavailable, err)
	}
	return nil
}

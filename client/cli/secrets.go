package cli

import (
	"bytes"
	"cipherleaf.dev/client/core"
	"fmt"
)

// secret returns env's value when set, else asks on the terminal.
func (a *app) secret(env, prompt string) ([]byte, error) {
	if v := a.getenv(env); v != "" {
		return []byte(v), nil
	}
	if a.term == nil {
		return nil, &cliError{msg: fmt.Sprintf("%s is not set and there is no terminal to ask on", env)}
	}
	b, err := a.term.ReadSecret(prompt)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, &cliError{msg: "empty input: nothing was typed"}
	}
	return b, nil
}

// password returns the account password.
func (a *app) password() ([]byte, error) {
	return a.secret(EnvPassword, "Password: ")
}

// newPassword returns a password being chosen: from env, or typed twice.
func (a *app) newPassword(env, prompt string) ([]byte, error) {
	pw, err := a.secret(env, prompt+": ")
	if err != nil || a.getenv(env) != "" {
		return pw, err
	}
	again, err := a.term.ReadSecret("Repeat " + prompt + ": ")
	if err != nil {
		clear(pw)
		return nil, err
	}
	defer clear(again)
	if !bytes.Equal(pw, again) {
		clear(pw)
		return nil, &cliError{msg: "the two passwords differ"}
	}
	return pw, nil
}

// unlock opens the vault: with the password from the environment, else with
// this device's remembered key, else with a typed password.
func (a *app) unlock() error {
	if !a.api.HasAccount() {
		return core.ErrNoAccount
	}
	if !a.api.Locked() {
		return nil
	}
	if a.getenv(EnvPassword) == "" && a.api.DeviceRemembered() {
		if err := a.api.UnlockWithDevice(); err == nil {
			return nil
		}
	}
	pw, err := a.unlockWithPassword()
	clear(pw)
	return err
}

// unlockWithPassword reads the password and opens the vault with it, for
// commands that need the password again afterwards; the caller clears it.
func (a *app) unlockWithPassword() ([]byte, error) {
	pw, err := a.password()
	if err != nil {
		return nil, err
	}
	if err := a.unlockWith(pw); err != nil {
		clear(pw)
		return nil, err
	}
	return pw, nil
}

// unlockWith opens the vault with pw.
func (a *app) unlockWith(pw []byte) error {
	if !a.api.HasAccount() {
		return core.ErrNoAccount
	}
	if err := a.api.Unlock(pw); err != nil {
		return fmt.Errorf("unlock: %w", err)
	}
	return nil
}

package core

import (
	"context"
	"fmt"
)

// Repin trusts the certificate the account's server presents now, after
// the user compared its fingerprint with the server's operator (SPEC §8,
// "Pin"). fingerprint is the "sha256:<hex>" the user was shown and
// confirmed, or "" to trust the system's certificate authorities instead
// (offered only when the new certificate verifies against them).
//
// The pin is written only after a handshake with exactly that pin
// succeeded and the server answered: a certificate that changed again
// since it was shown is refused with ErrCertificateChanged and the old pin
// stays. The account's other fields, the notes and the pending edits are
// untouched; the next request dials with the new pin.
func (c *Core) Repin(ctx context.Context, fingerprint string) error {
	c.mu.RLock()
	acct, old := c.acct, c.remote
	c.mu.RUnlock()
	if acct == nil {
		return fmt.Errorf("re-pin certificate: %w", ErrNoAccount)
	}
	if _, err := c.dialChecked(ctx, "re-pin certificate", acct.ServerURL, fingerprint); err != nil {
		return err
	}
	// The client being replaced may still hand a refreshed token pair to
	// the saver; wait for it so that the new client starts from the newest.
	if w, ok := old.(interface{ WaitRefresh(context.Context) }); ok {
		w.WaitRefresh(ctx)
	}
	c.tokens.flush()
	var row accountRow
	err := c.v.UpdateAccount(ctx, func(a *accountRow) error {
		if a.UserID != acct.UserID || a.ServerURL != acct.ServerURL {
			return ErrNoAccount // signed out or replaced meanwhile
		}
		a.Pin = fingerprint
		row = *a
		return nil
	})
	if err != nil {
		return fmt.Errorf("re-pin certificate: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.acct == nil || c.acct.UserID != row.UserID {
		return fmt.Errorf("re-pin certificate: %w", ErrNoAccount)
	}
	c.acct, c.remote, c.engine = &row, nil, nil
	return nil
}

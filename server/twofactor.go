package server

// TwoFactor is an account's two-factor state (SPEC §7.5). Secret and
// Pending are sealed by the caller; the store never sees them in clear.
type TwoFactor struct {
	Secret    []byte // nil when 2FA is off
	Pending   []byte // a secret awaiting confirmation, or nil
	LastStep  int64  // newest TOTP step accepted
	CodesLeft int    // unused recovery codes
}

// Enabled reports whether 2FA is on.
func (t *TwoFactor) Enabled() bool { return t.Secret != nil }

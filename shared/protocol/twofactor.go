package protocol

// Two-factor sign-in (SPEC §7.5).

// Error codes of two-factor sign-in (SPEC §7.5), each a 403.
const (
	CodeTwoFactorRequired  = "two_factor_required"
	CodeTwoFactorInvalid   = "two_factor_invalid"
	CodeTwoFactorEnrolment = "two_factor_enrolment_required"
)

// RecoveryCodeCount is how many one-time recovery codes enrolment makes.
const RecoveryCodeCount = 10

// SecondFactor is the code a request carries when the account has 2FA on:
// a TOTP code or a recovery code, never both.
type SecondFactor struct {
	TOTPCode     string `json:"totp_code,omitempty"`
	RecoveryCode string `json:"recovery_code,omitempty"`
}

// Empty reports whether no code is present.
func (f SecondFactor) Empty() bool { return f.TOTPCode == "" && f.RecoveryCode == "" }

// TwoFactorChallenge is the login answer for an account with 2FA on, in
// place of tokens: a short-lived single-use token naming the session to be.
type TwoFactorChallenge struct {
	Challenge string `json:"challenge"`
	ExpiresIn int    `json:"expires_in"` // seconds
}

// TwoFactorLoginRequest answers a challenge (POST /auth/login/2fa).
type TwoFactorLoginRequest struct {
	Challenge string `json:"challenge"`
	SecondFactor
}

// TwoFactorStatus answers GET /account/2fa.
type TwoFactorStatus struct {
	Enabled           bool `json:"enabled"`
	Pending           bool `json:"pending"`
	RecoveryCodesLeft int  `json:"recovery_codes_left"`
	Required          bool `json:"required"`
}

// TwoFactorEnrolRequest starts enrolment (POST /account/2fa/enrol).
type TwoFactorEnrolRequest struct {
	AuthKey []byte `json:"auth_key"`
}

// TwoFactorEnrolResponse carries the new secret (base32) and its
// otpauth:// URI.
type TwoFactorEnrolResponse struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"`
}

// TwoFactorConfirmRequest completes enrolment with a code.
type TwoFactorConfirmRequest struct {
	TOTPCode string `json:"totp_code"`
}

// TwoFactorConfirmResponse carries the ten recovery codes, shown once.
type TwoFactorConfirmResponse struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

// TwoFactorDisableRequest turns 2FA off.
type TwoFactorDisableRequest struct {
	AuthKey []byte `json:"auth_key"`
	SecondFactor
}

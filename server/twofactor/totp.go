package twofactor

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters (SPEC §7.5).
const (
	Issuer     = "Cipherleaf"
	Period     = 30 // seconds per step
	Digits     = 6
	SecretSize = 20 // bytes: 160 bits
	Skew       = 1  // steps accepted either side of the server's
)

// ErrBadCode means a code does not match (or is not 6 digits).
var ErrBadCode = errors.New("wrong two-factor code")

// NewSecret makes a random 160-bit secret for account: its base32 text and
// its otpauth:// URI, from r.
func NewSecret(account string, r io.Reader) (secret, uri string, err error) {
	k, err := totp.Generate(totp.GenerateOpts{
		Issuer: Issuer, AccountName: account, Period: Period, SecretSize: SecretSize,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1, Rand: r,
	})
	if err != nil {
		return "", "", fmt.Errorf("make totp secret: %w", err)
	}
	return k.Secret(), k.URL(), nil
}

// Step is the TOTP step number of t.
func Step(t time.Time) int64 { return t.Unix() / Period }

// Match finds the step within ±Skew of now whose code is code, and returns
// it; the caller refuses it unless it is newer than the last step the
// account used. Every candidate step is computed and compared in constant
// time, so timing does not tell which (if any) matched.
func Match(secret, code string, now time.Time) (int64, error) {
	if len(code) != Digits {
		return 0, ErrBadCode
	}
	for _, c := range []byte(code) {
		if c < '0' || c > '9' {
			return 0, ErrBadCode
		}
	}
	opts := hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	cur := Step(now)
	var found int64 = -1
	for s := cur - Skew; s <= cur+Skew; s++ {
		if s < 0 {
			continue
		}
		ok, err := hotp.ValidateCustom(code, uint64(s), secret, opts)
		if err != nil {
			return 0, fmt.Errorf("check totp code: %w", err)
		}
		if ok && s > found {
			found = s
		}
	}
	if found < 0 {
		return 0, ErrBadCode
	}
	return found, nil
}

// Code is the code of secret at t (for tests and the test clock tools).
func Code(secret string, t time.Time) (string, error) {
	c, err := hotp.GenerateCodeCustom(secret, uint64(Step(t)), hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", fmt.Errorf("make totp code: %w", err)
	}
	return c, nil
}

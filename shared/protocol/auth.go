package protocol

import "time"

// ParamsRequest asks for an account's KDF parameters.
type ParamsRequest struct {
	Username string `json:"username"`
}

// ParamsResponse answers ParamsRequest.
type ParamsResponse struct {
	KDF KDF `json:"kdf"`
}

// RegisterRequest creates an account.
type RegisterRequest struct {
	Username           string `json:"username"`
	AuthKey            []byte `json:"auth_key"`
	KDF                KDF    `json:"kdf"`
	WrappedKey         []byte `json:"wrapped_key"`
	RecoveryWrappedKey []byte `json:"recovery_wrapped_key"`
	RecoveryAuthKey    []byte `json:"recovery_auth_key"`
	DeviceName         string `json:"device_name"`
}

// MaxDeviceName is the longest device name, in bytes of UTF-8.
const MaxDeviceName = 128

// LoginRequest opens a session on a device.
type LoginRequest struct {
	Username   string `json:"username"`
	AuthKey    []byte `json:"auth_key"`
	DeviceName string `json:"device_name"`
}

// LoginResponse answers register, login, refresh and recover.
type LoginResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"` // seconds
	UserID       string `json:"user_id"`
	SessionID    string `json:"session_id"`
	WrappedKey   []byte `json:"wrapped_key"`
	KDF          KDF    `json:"kdf"`
	// TwoFactor replaces every other field when the account has 2FA on.
	TwoFactor *TwoFactorChallenge `json:"two_factor,omitempty"`
}

// RefreshRequest trades a refresh token for a new token pair.
type RefreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// RecoveryRequest asks for the recovery-wrapped key bundle.
type RecoveryRequest struct {
	Username        string `json:"username"`
	RecoveryAuthKey []byte `json:"recovery_auth_key"`
}

// RecoveryResponse answers RecoveryRequest.
type RecoveryResponse struct {
	RecoveryWrappedKey []byte `json:"recovery_wrapped_key"`
	KDF                KDF    `json:"kdf"`
}

// RecoverRequest sets a new password with the recovery key.
type RecoverRequest struct {
	Username           string `json:"username"`
	RecoveryAuthKey    []byte `json:"recovery_auth_key"`
	NewAuthKey         []byte `json:"new_auth_key"`
	KDF                KDF    `json:"kdf"`
	WrappedKey         []byte `json:"wrapped_key"`
	RecoveryWrappedKey []byte `json:"recovery_wrapped_key,omitempty"`
	DeviceName         string `json:"device_name"`
	SecondFactor              // when the account has 2FA on (SPEC §7.5)
}

// PasswordRequest changes the password of the signed-in account.
type PasswordRequest struct {
	AuthKey            []byte `json:"auth_key"`
	NewAuthKey         []byte `json:"new_auth_key"`
	KDF                KDF    `json:"kdf"`
	WrappedKey         []byte `json:"wrapped_key"`
	RecoveryWrappedKey []byte `json:"recovery_wrapped_key,omitempty"`
	SecondFactor              // when the account has 2FA on (SPEC §7.5)
}

// KeysResponse answers GET /account/keys.
type KeysResponse struct {
	KDF        KDF    `json:"kdf"`
	WrappedKey []byte `json:"wrapped_key"`
	// Successor is the newest entry of Successors (empty when none).
	Successor []byte `json:"successor,omitempty"`
	// Successors are every successor the server keeps, oldest first: a
	// device holding any older generation walks them forward (SPEC §3).
	Successors [][]byte `json:"successors,omitempty"`
}

// MaxSuccessors is how many successors the server keeps (the newest ones).
const MaxSuccessors = 1024

// KeysRequest publishes a rotated key bundle (PUT /account/keys). A nil
// RecoveryWrappedKey keeps the server's; a nil Successor adds none.
type KeysRequest struct {
	AuthKey            []byte `json:"auth_key"`
	WrappedKey         []byte `json:"wrapped_key"`
	RecoveryWrappedKey []byte `json:"recovery_wrapped_key,omitempty"`
	Successor          []byte `json:"successor,omitempty"`
	// BaseGeneration is the account's current key generation as the device
	// knows it; the server answers CodeConflict unless it is current
	// (SPEC §3, §7.2). 0 means not sent.
	BaseGeneration uint32 `json:"base_generation,omitempty"`
	// Generation is the current generation of the bundle in WrappedKey:
	// BaseGeneration+1 with a Successor; without one BaseGeneration (a
	// re-wrap) or BaseGeneration+1 (a remedy rotation, SPEC §3.1 L4).
	Generation uint32 `json:"generation,omitempty"`
	// RecoveryAuthKey, only with RecoveryWrappedKey, replaces the recovery
	// key's auth hash in the same transaction (a new recovery key).
	RecoveryAuthKey []byte `json:"recovery_auth_key,omitempty"`
	// RevokeSessions ends every other session of the account in the same
	// transaction ("sign out everywhere and rotate").
	RevokeSessions bool `json:"revoke_sessions,omitempty"`
}

// RecoveryKeyRequest replaces the recovery key (PUT /account/recovery):
// the bundle wrapped by the new key and the new key's auth key.
type RecoveryKeyRequest struct {
	AuthKey            []byte `json:"auth_key"`
	RecoveryWrappedKey []byte `json:"recovery_wrapped_key"`
	RecoveryAuthKey    []byte `json:"recovery_auth_key"`
}

// DeleteAccountRequest deletes the signed-in account and all its data.
type DeleteAccountRequest struct {
	AuthKey      []byte `json:"auth_key"`
	SecondFactor        // when the account has 2FA on (SPEC §7.5)
}

// Session describes one signed-in device.
type Session struct {
	ID         string    `json:"id"`
	DeviceName string    `json:"device_name"`
	Created    time.Time `json:"created"`
	LastSeen   time.Time `json:"last_seen"`
	Current    bool      `json:"current"`
}

// SessionsResponse answers GET /sessions.
type SessionsResponse struct {
	Sessions []Session `json:"sessions"`
}

// HealthResponse answers GET /healthz.
type HealthResponse struct {
	Status string `json:"status"`
	API    []int  `json:"api"`
}

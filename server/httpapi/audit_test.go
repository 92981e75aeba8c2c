package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// TestAuditLog: every auth event leaves one JSON audit line, and no line
// carries a key, token or blob.
func TestAuditLog(t *testing.T) {
	var logs lockedBuffer
	en := newEnv(t, func(c *Config) { c.Logger = slog.New(slog.NewJSONHandler(&logs, nil)) })
	reg := en.register("alice")
	en.login("alice", key(9))
	var lr protocol.LoginResponse
	en.login("alice", key(1)).into(t, &lr)
	var rr protocol.LoginResponse
	en.do("POST", "/api/v1/auth/refresh", "", protocol.RefreshRequest{RefreshToken: lr.RefreshToken}).into(t, &rr)
	en.do("POST", "/api/v1/auth/refresh", "", protocol.RefreshRequest{RefreshToken: lr.RefreshToken})
	en.do("DELETE", "/api/v1/sessions", reg.AccessToken, nil)
	en.do("POST", "/api/v1/account/password", reg.AccessToken, protocol.PasswordRequest{AuthKey: key(1), NewAuthKey: key(8), KDF: kdf(), WrappedKey: wrapped(8)})
	en.do("POST", "/api/v1/auth/recover", "", protocol.RecoverRequest{Username: "alice", RecoveryAuthKey: key(4), NewAuthKey: key(5), KDF: kdf(), WrappedKey: wrapped(6)})
	var l2 protocol.LoginResponse
	en.login("alice", key(5)).into(t, &l2)
	en.do("POST", "/api/v1/auth/logout", l2.AccessToken, nil)
	var l3 protocol.LoginResponse
	en.login("alice", key(5)).into(t, &l3)
	en.do("DELETE", "/api/v1/account", l3.AccessToken, protocol.DeleteAccountRequest{AuthKey: key(5)})

	events := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line not JSON: %q", line)
		}
		if m["msg"] == "audit" {
			events[m["event"].(string)+":"+m["outcome"].(string)]++
		}
	}
	for _, want := range []string{"register:ok", "login:failed", "login:ok", "refresh:ok", "refresh-reuse:failed",
		"revoke:ok", "password-change:ok", "recover:ok", "logout:ok", "account-delete:ok"} {
		if events[want] == 0 {
			t.Errorf("no audit line %s; got %v", want, events)
		}
	}
	all := logs.String()
	for _, secret := range []string{reg.AccessToken, reg.RefreshToken, lr.RefreshToken, rr.RefreshToken, l3.AccessToken,
		base64.StdEncoding.EncodeToString(key(1)), base64.StdEncoding.EncodeToString(key(5)), base64.StdEncoding.EncodeToString(wrapped(2))} {
		if strings.Contains(all, secret) {
			t.Errorf("a secret appears in the log")
		}
	}
}

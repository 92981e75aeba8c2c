package httpapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

// TestSetRecoveryKey: PUT /account/recovery re-verifies the auth key, swaps
// the recovery key (old one refused from then on), keeps sessions, and
// audits without secrets.
func TestSetRecoveryKey(t *testing.T) {
	var logs lockedBuffer
	en := newEnv(t, func(c *Config) { c.Logger = slog.New(slog.NewJSONHandler(&logs, nil)) })
	a := en.register("alice")
	var other protocol.LoginResponse
	en.login("alice", key(1)).into(t, &other)
	put := func(req protocol.RecoveryKeyRequest) resp {
		return en.do("PUT", "/api/v1/account/recovery", a.AccessToken, req)
	}
	good := protocol.RecoveryKeyRequest{AuthKey: key(1), RecoveryWrappedKey: wrapped(13), RecoveryAuthKey: key(14)}

	tests := []struct {
		name     string
		token    string
		req      protocol.RecoveryKeyRequest
		wantCode string
		status   int
	}{
		{"no token", "", good, protocol.CodeUnauthorized, 401},
		{"wrong auth key", a.AccessToken, protocol.RecoveryKeyRequest{AuthKey: key(9), RecoveryWrappedKey: wrapped(13), RecoveryAuthKey: key(14)}, protocol.CodeUnauthorized, 401},
		{"short auth key", a.AccessToken, protocol.RecoveryKeyRequest{AuthKey: key(1)[:31], RecoveryWrappedKey: wrapped(13), RecoveryAuthKey: key(14)}, protocol.CodeBadRequest, 400},
		{"no recovery wrap", a.AccessToken, protocol.RecoveryKeyRequest{AuthKey: key(1), RecoveryAuthKey: key(14)}, protocol.CodeBadRequest, 400},
		{"short recovery wrap", a.AccessToken, protocol.RecoveryKeyRequest{AuthKey: key(1), RecoveryWrappedKey: wrapped(13)[:76], RecoveryAuthKey: key(14)}, protocol.CodeBadRequest, 400},
		{"no recovery auth key", a.AccessToken, protocol.RecoveryKeyRequest{AuthKey: key(1), RecoveryWrappedKey: wrapped(13)}, protocol.CodeBadRequest, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := en.do("PUT", "/api/v1/account/recovery", tt.token, tt.req)
			if r.status != tt.status || r.errCode() != tt.wantCode {
				t.Errorf("PUT /account/recovery = %d %s, want %d %s", r.status, r.body, tt.status, tt.wantCode)
			}
		})
	}
	// Nothing above changed the recovery key.
	if r := en.do("POST", "/api/v1/auth/recovery", "", protocol.RecoveryRequest{Username: "alice", RecoveryAuthKey: key(4)}); r.status != 200 {
		t.Fatalf("recovery with the original key after refused changes = %d %s", r.status, r.body)
	}

	if r := put(good); r.status != 204 {
		t.Fatalf("PUT /account/recovery = %d %s, want 204", r.status, r.body)
	}
	u, err := en.store.UserByName(context.Background(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(u.RecoveryHash, recoveryHash(key(14))) || bytes.Contains(u.RecoveryHash, key(14)) {
		t.Errorf("stored recovery hash %x is not the SHA-256 form of the new key", u.RecoveryHash)
	}
	for _, path := range []string{"/api/v1/auth/recovery", "/api/v1/auth/recover"} {
		r := en.do("POST", path, "", protocol.RecoverRequest{Username: "alice", RecoveryAuthKey: key(4), NewAuthKey: key(5), KDF: kdf(), WrappedKey: wrapped(6)})
		if r.status != 401 {
			t.Errorf("POST %s with the old recovery key = %d, want 401", path, r.status)
		}
	}
	var rr protocol.RecoveryResponse
	r := en.do("POST", "/api/v1/auth/recovery", "", protocol.RecoveryRequest{Username: "alice", RecoveryAuthKey: key(14)})
	r.into(t, &rr)
	if r.status != 200 || !bytes.Equal(rr.RecoveryWrappedKey, wrapped(13)) {
		t.Errorf("recovery with the new key = %d, wrap %x; want 200 and the new wrap", r.status, rr.RecoveryWrappedKey)
	}
	for _, tok := range []string{a.AccessToken, other.AccessToken} {
		if r := en.do("GET", "/api/v1/sessions", tok, nil); r.status != 200 {
			t.Errorf("a session after the recovery key change = %d, want 200 (sessions stay)", r.status)
		}
	}

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
	if events["recovery-key-replaced:ok"] != 1 || events["recovery-key-replaced:failed"] != 1 {
		t.Errorf("audit events = %v, want recovery-key-replaced ok once and failed once", events)
	}
	all := logs.String()
	for _, secret := range [][]byte{key(1), key(9), key(14), wrapped(13), u.RecoveryHash} {
		if strings.Contains(all, base64.StdEncoding.EncodeToString(secret)) || strings.Contains(all, string(secret)) {
			t.Errorf("a secret appears in the log")
		}
	}
	if strings.Contains(all, a.AccessToken) {
		t.Errorf("the access token appears in the log")
	}
}

// TestKeysSuccessors: PUT /account/keys keeps the recovery wrap when none
// is sent and appends each successor; GET returns them oldest first.
func TestKeysSuccessors(t *testing.T) {
	en := newEnv(t, nil)
	a := en.register("alice")
	getKeys := func() protocol.KeysResponse {
		t.Helper()
		var k protocol.KeysResponse
		r := en.do("GET", "/api/v1/account/keys", a.AccessToken, nil)
		if r.status != 200 {
			t.Fatalf("GET /account/keys = %d %s", r.status, r.body)
		}
		r.into(t, &k)
		return k
	}
	if k := getKeys(); k.Successor != nil || k.Successors != nil {
		t.Fatalf("keys of a new account = %+v, want no successor", k)
	}
	if r := en.do("PUT", "/api/v1/account/keys", a.AccessToken, protocol.KeysRequest{AuthKey: key(9), WrappedKey: wrapped(20), Successor: wrapped(21), BaseGeneration: 1, Generation: 2}); r.status != 401 {
		t.Errorf("PUT /account/keys with a wrong auth key = %d, want 401", r.status)
	}
	for i, req := range []protocol.KeysRequest{
		{AuthKey: key(1), WrappedKey: wrapped(20), Successor: wrapped(21), BaseGeneration: 1, Generation: 2},
		{AuthKey: key(1), WrappedKey: wrapped(22), Successor: wrapped(23), BaseGeneration: 2, Generation: 3},
		{AuthKey: key(1), WrappedKey: wrapped(24)}, // a re-wrap without rotation adds no successor
	} {
		if r := en.do("PUT", "/api/v1/account/keys", a.AccessToken, req); r.status != 204 {
			t.Fatalf("PUT /account/keys #%d = %d %s", i, r.status, r.body)
		}
	}
	k := getKeys()
	if !bytes.Equal(k.WrappedKey, wrapped(24)) || len(k.Successors) != 2 ||
		!bytes.Equal(k.Successors[0], wrapped(21)) || !bytes.Equal(k.Successors[1], wrapped(23)) || !bytes.Equal(k.Successor, wrapped(23)) {
		t.Errorf("keys after two rotations = %+v, want wrap 24, successors [21 23], successor 23", k)
	}
	var rr protocol.RecoveryResponse
	en.do("POST", "/api/v1/auth/recovery", "", protocol.RecoveryRequest{Username: "alice", RecoveryAuthKey: key(4)}).into(t, &rr)
	if !bytes.Equal(rr.RecoveryWrappedKey, wrapped(3)) {
		t.Errorf("recovery wrap after rotations without one = %x, want the registered one", rr.RecoveryWrappedKey)
	}
	if r := en.do("PUT", "/api/v1/account/keys", a.AccessToken, protocol.KeysRequest{AuthKey: key(1), WrappedKey: wrapped(25), RecoveryWrappedKey: wrapped(26)}); r.status != 204 {
		t.Fatalf("PUT /account/keys with a recovery wrap = %d %s", r.status, r.body)
	}
	en.do("POST", "/api/v1/auth/recovery", "", protocol.RecoveryRequest{Username: "alice", RecoveryAuthKey: key(4)}).into(t, &rr)
	if !bytes.Equal(rr.RecoveryWrappedKey, wrapped(26)) {
		t.Errorf("recovery wrap after a rotation with one = %x, want the new one", rr.RecoveryWrappedKey)
	}
}

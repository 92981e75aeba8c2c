package httpapi

import (
	"bytes"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"cipherleaf.dev/shared/protocol"
)

func TestRegister(t *testing.T) {
	en := newEnv(t, nil)
	en.register("alice")
	mod := func(f func(*protocol.RegisterRequest)) protocol.RegisterRequest {
		r := regReq("bob")
		f(&r)
		return r
	}
	tests := []struct {
		name   string
		req    protocol.RegisterRequest
		status int
		code   string
	}{
		{"taken", regReq("alice"), 409, "username_taken"},
		{"upper case", regReq("Alice"), 400, "invalid_username"},
		{"too short", regReq("ab"), 400, "invalid_username"},
		{"sql", regReq("a'; drop table users; --"), 400, "invalid_username"},
		{"path", regReq("../../etc/passwd"), 400, "invalid_username"},
		{"leading dot", regReq(".bob"), 400, "invalid_username"},
		{"short auth key", mod(func(r *protocol.RegisterRequest) { r.AuthKey = key(1)[:31] }), 400, "bad_request"},
		{"no recovery key", mod(func(r *protocol.RegisterRequest) { r.RecoveryAuthKey = nil }), 400, "bad_request"},
		{"short wrapped key", mod(func(r *protocol.RegisterRequest) { r.WrappedKey = wrapped(1)[:76] }), 400, "bad_request"},
		{"kdf below floor", mod(func(r *protocol.RegisterRequest) { r.KDF.Memory = 1024 }), 400, "bad_request"},
		{"kdf above ceiling", mod(func(r *protocol.RegisterRequest) { r.KDF.Time = 100 }), 400, "bad_request"},
		{"kdf other alg", mod(func(r *protocol.RegisterRequest) { r.KDF.Alg = "scrypt" }), 400, "bad_request"},
		{"kdf short salt", mod(func(r *protocol.RegisterRequest) { r.KDF.Salt = r.KDF.Salt[:8] }), 400, "bad_request"},
		{"long device name", mod(func(r *protocol.RegisterRequest) { r.DeviceName = string(bytes.Repeat([]byte("x"), 200)) }), 400, "bad_request"},
		{"ok", regReq("bob"), 201, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := en.do("POST", "/api/v1/auth/register", "", tc.req)
			if r.status != tc.status || r.errCode() != tc.code {
				t.Errorf("register = %d %s, want %d %s", r.status, r.body, tc.status, tc.code)
			}
		})
	}
	t.Run("not json", func(t *testing.T) {
		r := en.do("POST", "/api/v1/auth/register", "", []byte("{nope"))
		if r.status != 400 || r.errCode() != "bad_request" {
			t.Errorf("register(garbage) = %d %s", r.status, r.body)
		}
	})
	t.Run("stored hashed", func(t *testing.T) {
		u, err := en.store.UserByName(t.Context(), "alice")
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(u.AuthHash, key(1)) || bcrypt.CompareHashAndPassword(u.AuthHash, key(1)) != nil {
			t.Errorf("auth key not stored as its bcrypt hash")
		}
	})
}

func TestRegistrationClosed(t *testing.T) {
	en := newEnv(t, func(c *Config) { c.Registration = false })
	r := en.do("POST", "/api/v1/auth/register", "", regReq("alice"))
	if r.status != 403 || r.errCode() != "registration_closed" {
		t.Errorf("register on closed server = %d %s", r.status, r.body)
	}
}

func TestLogin(t *testing.T) {
	en := newEnv(t, nil)
	reg := en.register("alice")
	r := en.login("alice", key(1))
	if r.status != 200 {
		t.Fatalf("login = %d %s", r.status, r.body)
	}
	var lr protocol.LoginResponse
	r.into(t, &lr)
	if lr.UserID != reg.UserID || lr.SessionID == reg.SessionID || !bytes.Equal(lr.WrappedKey, wrapped(2)) || lr.ExpiresIn != 600 || lr.KDF.Memory != 65536 {
		t.Errorf("login response = %+v", lr)
	}
	wrong := en.login("alice", key(9))
	unknown := en.login("nobody", key(1))
	if wrong.status != 401 || unknown.status != 401 || !bytes.Equal(wrong.body, unknown.body) {
		t.Errorf("wrong key = %d %s, unknown user = %d %s; want identical 401s", wrong.status, wrong.body, unknown.status, unknown.body)
	}
	if r := en.login("Alice", key(1)); r.status != 400 || r.errCode() != "invalid_username" {
		t.Errorf("login(Alice) = %d %s", r.status, r.body)
	}
}

// TestLoginUnknownUserDoesBcrypt checks the unknown-user path pays for a
// bcrypt compare like the wrong-key path (so timing hides existence).
func TestLoginUnknownUserDoesBcrypt(t *testing.T) {
	en := newEnv(t, func(c *Config) { c.BcryptCost = 10 })
	h, _ := bcrypt.GenerateFromPassword(key(1), 10)
	// The fastest of three compares is the cost of one (a slower one was
	// preempted); without a dummy compare the login would take microseconds.
	one := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		bcrypt.CompareHashAndPassword(h, key(2))
		one = min(one, time.Since(start))
	}
	start := time.Now()
	if r := en.login("nobody", key(1)); r.status != 401 {
		t.Fatalf("login = %d", r.status)
	}
	if d := time.Since(start); d < one/2 {
		t.Errorf("unknown-user login took %v, a bcrypt compare takes %v: no dummy compare?", d, one)
	}
}

func TestDisabledAccount(t *testing.T) {
	en := newEnv(t, nil)
	reg := en.register("alice")
	if err := en.store.SetDisabled(t.Context(), "alice", true); err != nil {
		t.Fatal(err)
	}
	if r := en.login("alice", key(1)); r.status != 403 || r.errCode() != "account_disabled" {
		t.Errorf("login of disabled = %d %s, want 403", r.status, r.body)
	}
	if r := en.login("alice", key(9)); r.status != 401 {
		t.Errorf("wrong key on disabled = %d, want 401 (no hint without the key)", r.status)
	}
	if r := en.do("GET", "/api/v1/notes", reg.AccessToken, nil); r.status != 401 {
		t.Errorf("token of disabled user = %d, want 401", r.status)
	}
	if r := en.do("POST", "/api/v1/auth/refresh", "", protocol.RefreshRequest{RefreshToken: reg.RefreshToken}); r.status != 401 {
		t.Errorf("refresh of disabled user = %d, want 401", r.status)
	}
}

func TestParams(t *testing.T) {
	en := newEnv(t, nil)
	en.register("alice")
	get := func(name string) (int, protocol.KDF) {
		r := en.do("POST", "/api/v1/auth/params", "", protocol.ParamsRequest{Username: name})
		var p protocol.ParamsResponse
		if r.status == 200 {
			r.into(t, &p)
		}
		return r.status, p.KDF
	}
	if st, k := get("alice"); st != 200 || !bytes.Equal(k.Salt, kdf().Salt) {
		t.Errorf("params(alice) = %d %+v, want the registered kdf", st, k)
	}
	st1, k1 := get("nobody")
	_, k2 := get("nobody")
	_, k3 := get("someone-else")
	if st1 != 200 || k1.Alg != "argon2id" || k1.Version != 19 || len(k1.Salt) != 16 || k1.Time != 3 || k1.Memory != 65536 || k1.Threads != 4 {
		t.Errorf("params(nobody) = %d %+v, want default shape", st1, k1)
	}
	if !bytes.Equal(k1.Salt, k2.Salt) || bytes.Equal(k1.Salt, k3.Salt) {
		t.Errorf("fake salts: same name %x/%x, other name %x; want stable per name", k1.Salt, k2.Salt, k3.Salt)
	}
	if st, _ := get("NOPE"); st != 400 {
		t.Errorf("params(NOPE) = %d, want 400", st)
	}
}

func TestRefresh(t *testing.T) {
	en := newEnv(t, nil)
	reg := en.register("alice")
	refresh := func(tok string) resp {
		return en.do("POST", "/api/v1/auth/refresh", "", protocol.RefreshRequest{RefreshToken: tok})
	}
	r := refresh(reg.RefreshToken)
	if r.status != 200 {
		t.Fatalf("refresh = %d %s", r.status, r.body)
	}
	var lr protocol.LoginResponse
	r.into(t, &lr)
	if lr.SessionID != reg.SessionID || lr.RefreshToken == reg.RefreshToken || lr.AccessToken == "" {
		t.Errorf("refresh response = %+v", lr)
	}
	for _, bad := range []string{"", "x", "AAAA", string(bytes.Repeat([]byte("A"), 43))} {
		if r := refresh(bad); r.status != 401 {
			t.Errorf("refresh(%q) = %d, want 401", bad, r.status)
		}
	}
	// Reuse of the spent token: 401 and the whole session ends.
	if r := refresh(reg.RefreshToken); r.status != 401 {
		t.Errorf("refresh(spent) = %d, want 401", r.status)
	}
	if r := refresh(lr.RefreshToken); r.status != 401 {
		t.Errorf("refresh(current after reuse) = %d, want 401: session should be revoked", r.status)
	}
	if r := en.do("GET", "/api/v1/sessions", lr.AccessToken, nil); r.status != 401 {
		t.Errorf("access after reuse = %d, want 401", r.status)
	}
}

func TestRecovery(t *testing.T) {
	en := newEnv(t, nil)
	reg := en.register("alice")
	if r := en.do("POST", "/api/v1/auth/recovery", "", protocol.RecoveryRequest{Username: "alice", RecoveryAuthKey: key(1)}); r.status != 401 {
		t.Errorf("recovery with auth key = %d, want 401", r.status)
	}
	r := en.do("POST", "/api/v1/auth/recovery", "", protocol.RecoveryRequest{Username: "alice", RecoveryAuthKey: key(4)})
	var rr protocol.RecoveryResponse
	if r.status != 200 {
		t.Fatalf("recovery = %d %s", r.status, r.body)
	}
	r.into(t, &rr)
	if !bytes.Equal(rr.RecoveryWrappedKey, wrapped(3)) {
		t.Errorf("recovery_wrapped_key = %x", rr.RecoveryWrappedKey)
	}
	rec := protocol.RecoverRequest{Username: "alice", RecoveryAuthKey: key(4), NewAuthKey: key(5), KDF: kdf(), WrappedKey: wrapped(6), DeviceName: "new"}
	bad := rec
	bad.RecoveryAuthKey = key(9)
	if r := en.do("POST", "/api/v1/auth/recover", "", bad); r.status != 401 {
		t.Errorf("recover with wrong key = %d", r.status)
	}
	r = en.do("POST", "/api/v1/auth/recover", "", rec)
	if r.status != 200 {
		t.Fatalf("recover = %d %s", r.status, r.body)
	}
	var lr protocol.LoginResponse
	r.into(t, &lr)
	if !bytes.Equal(lr.WrappedKey, wrapped(6)) {
		t.Errorf("recover wrapped_key = %x", lr.WrappedKey)
	}
	if r := en.do("GET", "/api/v1/sessions", reg.AccessToken, nil); r.status != 401 {
		t.Errorf("old session after recover = %d, want 401", r.status)
	}
	if r := en.do("GET", "/api/v1/sessions", lr.AccessToken, nil); r.status != 200 {
		t.Errorf("new session after recover = %d", r.status)
	}
	if r := en.login("alice", key(1)); r.status != 401 {
		t.Errorf("old key after recover = %d", r.status)
	}
	if r := en.login("alice", key(5)); r.status != 200 {
		t.Errorf("new key after recover = %d", r.status)
	}
}

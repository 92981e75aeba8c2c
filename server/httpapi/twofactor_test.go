package httpapi

import (
	"bytes"
	"encoding/base32"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cipherleaf.dev/server/twofactor"
	"cipherleaf.dev/shared/protocol"
)

// doFrom is do from the client address ip.
func (en *env) doFrom(ip, method, path, token string, body any) resp {
	en.t.Helper()
	j, err := json.Marshal(body)
	if err != nil {
		en.t.Fatal(err)
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(j))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.RemoteAddr = ip + ":1234"
	rec := httptest.NewRecorder()
	en.e.ServeHTTP(rec, req)
	return resp{status: rec.Code, body: rec.Body.Bytes(), header: rec.Header()}
}

// code is the TOTP code of secret at the env's clock plus d.
func (en *env) code(secret string, d time.Duration) string {
	en.t.Helper()
	c, err := twofactor.Code(secret, en.clock.now().Add(d))
	if err != nil {
		en.t.Fatal(err)
	}
	return c
}

// enrol turns 2FA on for the account of lr (auth key key(1)) and returns
// the secret and the recovery codes.
func (en *env) enrol(lr protocol.LoginResponse) (string, []string) {
	en.t.Helper()
	r := en.do("POST", "/api/v1/account/2fa/enrol", lr.AccessToken, protocol.TwoFactorEnrolRequest{AuthKey: key(1)})
	if r.status != http.StatusOK {
		en.t.Fatalf("enrol = %d %s", r.status, r.body)
	}
	var er protocol.TwoFactorEnrolResponse
	r.into(en.t, &er)
	r = en.do("POST", "/api/v1/account/2fa/confirm", lr.AccessToken, protocol.TwoFactorConfirmRequest{TOTPCode: en.code(er.Secret, 0)})
	if r.status != http.StatusOK {
		en.t.Fatalf("confirm = %d %s", r.status, r.body)
	}
	var cr protocol.TwoFactorConfirmResponse
	r.into(en.t, &cr)
	en.clock.add(twofactor.Period * time.Second) // the confirming code is spent
	return er.Secret, cr.RecoveryCodes
}

// challenge logs name in with key(1) and returns the 2FA challenge.
func (en *env) challenge(name string) string {
	en.t.Helper()
	r := en.login(name, key(1))
	var lr protocol.LoginResponse
	r.into(en.t, &lr)
	if r.status != http.StatusOK || lr.TwoFactor == nil || lr.AccessToken != "" || lr.RefreshToken != "" || lr.WrappedKey != nil {
		en.t.Fatalf("login with 2FA = %d %s, want a challenge and no token", r.status, r.body)
	}
	return lr.TwoFactor.Challenge
}

func (en *env) answer(ch string, f protocol.SecondFactor) resp {
	return en.do("POST", "/api/v1/auth/login/2fa", "", protocol.TwoFactorLoginRequest{Challenge: ch, SecondFactor: f})
}

func TestTwoFactorEnrol(t *testing.T) {
	en := newEnv(t, nil)
	lr := en.register("alice")
	tok := lr.AccessToken
	status := func() protocol.TwoFactorStatus {
		var st protocol.TwoFactorStatus
		r := en.do("GET", "/api/v1/account/2fa", tok, nil)
		r.into(t, &st)
		return st
	}
	if st := status(); st.Enabled || st.Pending {
		t.Fatalf("status before = %+v", st)
	}
	if r := en.do("POST", "/api/v1/account/2fa/confirm", tok, protocol.TwoFactorConfirmRequest{TOTPCode: "123456"}); r.status != 400 {
		t.Errorf("confirm without enrol = %d, want 400", r.status)
	}
	if r := en.do("POST", "/api/v1/account/2fa/enrol", tok, protocol.TwoFactorEnrolRequest{AuthKey: key(9)}); r.status != 401 {
		t.Errorf("enrol with a wrong key = %d, want 401", r.status)
	}
	r := en.do("POST", "/api/v1/account/2fa/enrol", tok, protocol.TwoFactorEnrolRequest{AuthKey: key(1)})
	var er protocol.TwoFactorEnrolResponse
	r.into(t, &er)
	if raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(er.Secret); err != nil || len(raw) != 20 {
		t.Fatalf("secret %q: %d bytes, %v", er.Secret, len(raw), err)
	}
	if !strings.HasPrefix(er.URI, "otpauth://totp/Cipherleaf:alice?") || !strings.Contains(er.URI, "secret="+er.Secret) {
		t.Errorf("uri = %q", er.URI)
	}
	if st := status(); st.Enabled || !st.Pending {
		t.Fatalf("status pending = %+v", st)
	}
	// Not yet on: login still gives tokens.
	if r := en.login("alice", key(1)); r.status != 200 || bytes.Contains(r.body, []byte("two_factor")) {
		t.Fatalf("login while pending = %d %s", r.status, r.body)
	}
	if r := en.do("POST", "/api/v1/account/2fa/confirm", tok, protocol.TwoFactorConfirmRequest{TOTPCode: en.code(er.Secret, 5*time.Minute)}); r.status != 403 || r.errCode() != protocol.CodeTwoFactorInvalid {
		t.Errorf("confirm with a wrong code = %d %s", r.status, r.body)
	}
	r = en.do("POST", "/api/v1/account/2fa/confirm", tok, protocol.TwoFactorConfirmRequest{TOTPCode: en.code(er.Secret, 0)})
	var cr protocol.TwoFactorConfirmResponse
	r.into(t, &cr)
	if r.status != 200 || len(cr.RecoveryCodes) != 10 {
		t.Fatalf("confirm = %d %s", r.status, r.body)
	}
	if st := status(); !st.Enabled || st.Pending || st.RecoveryCodesLeft != 10 {
		t.Fatalf("status on = %+v", st)
	}
	if r := en.do("POST", "/api/v1/account/2fa/enrol", tok, protocol.TwoFactorEnrolRequest{AuthKey: key(1)}); r.status != 409 {
		t.Errorf("enrol while on = %d, want 409", r.status)
	}
	// The confirming code cannot sign in.
	ch := en.challenge("alice")
	if r := en.answer(ch, protocol.SecondFactor{TOTPCode: en.code(er.Secret, 0)}); r.errCode() != protocol.CodeTwoFactorInvalid {
		t.Errorf("login with the confirming code = %d %s, want two_factor_invalid", r.status, r.body)
	}

	t.Run("secret sealed at rest", func(t *testing.T) {
		raw, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(er.Secret)
		f := filepath.Join(t.TempDir(), "copy.db")
		if err := en.store.Backup(t.Context(), f); err != nil {
			t.Fatal(err)
		}
		{
			b, _ := os.ReadFile(f)
			if len(b) == 0 {
				t.Fatal("empty database copy")
			}
			if bytes.Contains(b, []byte(er.Secret)) || bytes.Contains(b, raw) {
				t.Errorf("%s holds the TOTP secret in clear", f)
			}
			for _, c := range cr.RecoveryCodes {
				if bytes.Contains(b, []byte(c)) || bytes.Contains(b, []byte(strings.ReplaceAll(c, "-", ""))) {
					t.Errorf("%s holds a recovery code in clear", f)
				}
			}
		}
	})
}

func TestTwoFactorLogin(t *testing.T) {
	en := newEnv(t, nil)
	secret, codes := en.enrol(en.register("alice"))

	tests := []struct {
		name string
		f    protocol.SecondFactor
		want string // error code, "" for success
	}{
		{"no code", protocol.SecondFactor{}, protocol.CodeTwoFactorRequired},
		{"wrong code", protocol.SecondFactor{TOTPCode: en.code(secret, 10*time.Minute)}, protocol.CodeTwoFactorInvalid},
		{"not digits", protocol.SecondFactor{TOTPCode: "abcdef"}, protocol.CodeTwoFactorInvalid},
		{"both", protocol.SecondFactor{TOTPCode: "123456", RecoveryCode: codes[0]}, protocol.CodeBadRequest},
		{"unknown recovery code", protocol.SecondFactor{RecoveryCode: "aaaaa-aaaaa"}, protocol.CodeTwoFactorInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := en.answer(en.challenge("alice"), tt.f)
			if r.errCode() != tt.want {
				t.Errorf("answer(%+v) = %d %s, want %s", tt.f, r.status, r.body, tt.want)
			}
		})
	}

	ch := en.challenge("alice")
	code := en.code(secret, 0)
	r := en.answer(ch, protocol.SecondFactor{TOTPCode: code})
	var lr protocol.LoginResponse
	r.into(t, &lr)
	if r.status != 200 || lr.AccessToken == "" || lr.TwoFactor != nil {
		t.Fatalf("answer(right code) = %d %s", r.status, r.body)
	}
	if r := en.do("GET", "/api/v1/notes", lr.AccessToken, nil); r.status != 200 {
		t.Errorf("notes with the 2FA session = %d", r.status)
	}
	if r := en.answer(ch, protocol.SecondFactor{TOTPCode: en.code(secret, 0)}); r.status != 401 {
		t.Errorf("spent challenge = %d %s, want 401", r.status, r.body)
	}
	if r := en.answer(en.challenge("alice"), protocol.SecondFactor{TOTPCode: code}); r.errCode() != protocol.CodeTwoFactorInvalid {
		t.Errorf("replayed code = %d %s, want two_factor_invalid", r.status, r.body)
	}
	// The next step's code (one step of skew) works; then an older step
	// than the last one used is refused too.
	if r := en.answer(en.challenge("alice"), protocol.SecondFactor{TOTPCode: en.code(secret, twofactor.Period*time.Second)}); r.status != 200 {
		t.Errorf("next step's code = %d %s, want 200", r.status, r.body)
	}
	if r := en.answer(en.challenge("alice"), protocol.SecondFactor{TOTPCode: code}); r.errCode() != protocol.CodeTwoFactorInvalid {
		t.Errorf("older step's code = %d %s, want two_factor_invalid", r.status, r.body)
	}

	t.Run("recovery code once", func(t *testing.T) {
		rc := strings.ToUpper(codes[1])
		if r := en.answer(en.challenge("alice"), protocol.SecondFactor{RecoveryCode: rc}); r.status != 200 {
			t.Fatalf("recovery code = %d %s", r.status, r.body)
		}
		if r := en.answer(en.challenge("alice"), protocol.SecondFactor{RecoveryCode: rc}); r.errCode() != protocol.CodeTwoFactorInvalid {
			t.Errorf("recovery code again = %d %s, want two_factor_invalid", r.status, r.body)
		}
	})
	t.Run("challenge expires", func(t *testing.T) {
		ch := en.challenge("alice")
		en.clock.add(twofactor.ChallengeTTL)
		if r := en.answer(ch, protocol.SecondFactor{TOTPCode: en.code(secret, 0)}); r.status != 401 {
			t.Errorf("expired challenge = %d %s, want 401", r.status, r.body)
		}
	})
	t.Run("challenge spent by wrong codes", func(t *testing.T) {
		en.clock.add(time.Hour) // past any lockout
		ch := en.challenge("alice")
		for i := range twofactor.ChallengeMaxTries {
			en.doFrom("198.51.100."+string(rune('1'+i)), "POST", "/api/v1/auth/login/2fa", "", protocol.TwoFactorLoginRequest{Challenge: ch, SecondFactor: protocol.SecondFactor{TOTPCode: en.code(secret, time.Hour)}})
		}
		en.clock.add(time.Hour)
		if r := en.answer(ch, protocol.SecondFactor{TOTPCode: en.code(secret, 0)}); r.status != 401 {
			t.Errorf("challenge after %d wrong codes = %d %s, want 401", twofactor.ChallengeMaxTries, r.status, r.body)
		}
	})
	t.Run("admin reset", func(t *testing.T) {
		if err := en.store.ResetTwoFactorByName(t.Context(), "alice"); err != nil {
			t.Fatal(err)
		}
		if r := en.login("alice", key(1)); r.status != 200 || bytes.Contains(r.body, []byte("two_factor")) {
			t.Errorf("login after reset = %d %s, want tokens", r.status, r.body)
		}
	})
}

func TestTwoFactorRateLimit(t *testing.T) {
	en := newEnv(t, nil)
	secret, _ := en.enrol(en.register("alice"))
	wrong := func() protocol.SecondFactor { return protocol.SecondFactor{TOTPCode: en.code(secret, time.Hour)} }
	try := func(ip string, f protocol.SecondFactor) resp {
		ch := en.challenge("alice")
		return en.doFrom(ip, "POST", "/api/v1/auth/login/2fa", "", protocol.TwoFactorLoginRequest{Challenge: ch, SecondFactor: f})
	}
	max := DefaultCodeLimit.MaxFailures
	for i := range max {
		if r := try("198.51.100.1", wrong()); r.errCode() != protocol.CodeTwoFactorInvalid {
			t.Fatalf("wrong code %d = %d %s", i, r.status, r.body)
		}
	}
	r := try("198.51.100.1", protocol.SecondFactor{TOTPCode: en.code(secret, 0)})
	if r.status != 429 || r.header.Get("Retry-After") == "" {
		t.Fatalf("right code after %d wrong ones from one source = %d %s, want 429 with Retry-After", max, r.status, r.body)
	}
	// Another source is not locked out by the first one's failures...
	for i := range max - 1 {
		if r := try("198.51.100.2", wrong()); r.errCode() != protocol.CodeTwoFactorInvalid {
			t.Fatalf("wrong code %d from a second source = %d %s", i, r.status, r.body)
		}
	}
	// ...until the account's own limit (twice the per-source one) is reached.
	try("198.51.100.2", wrong())
	if r := try("198.51.100.3", protocol.SecondFactor{TOTPCode: en.code(secret, 0)}); r.status != 429 {
		t.Fatalf("right code from a third source after %d failures on the account = %d %s, want 429", 2*max, r.status, r.body)
	}
	en.clock.add(DefaultCodeLimit.MaxLockout + time.Minute)
	if r := try("198.51.100.1", protocol.SecondFactor{TOTPCode: en.code(secret, 0)}); r.status != 200 {
		t.Errorf("right code after the lockout = %d %s, want 200", r.status, r.body)
	}
}

func TestTwoFactorRequiredForAccountChanges(t *testing.T) {
	en := newEnv(t, nil)
	lr := en.register("alice")
	secret, codes := en.enrol(lr)
	tok := lr.AccessToken
	pw := func(f protocol.SecondFactor) resp {
		return en.do("POST", "/api/v1/account/password", tok, protocol.PasswordRequest{AuthKey: key(1), NewAuthKey: key(1), KDF: kdf(), WrappedKey: wrapped(2), SecondFactor: f})
	}
	recover := func(f protocol.SecondFactor) resp {
		return en.do("POST", "/api/v1/auth/recover", "", protocol.RecoverRequest{Username: "alice", RecoveryAuthKey: key(4), NewAuthKey: key(1),
			KDF: kdf(), WrappedKey: wrapped(2), DeviceName: "d", SecondFactor: f})
	}
	del := func(f protocol.SecondFactor) resp {
		return en.do("DELETE", "/api/v1/account", tok, protocol.DeleteAccountRequest{AuthKey: key(1), SecondFactor: f})
	}
	disable := func(f protocol.SecondFactor) resp {
		return en.do("POST", "/api/v1/account/2fa/disable", tok, protocol.TwoFactorDisableRequest{AuthKey: key(1), SecondFactor: f})
	}
	for _, op := range []struct {
		name string
		do   func(protocol.SecondFactor) resp
	}{{"password", pw}, {"recover", recover}, {"delete", del}, {"disable", disable}} {
		t.Run(op.name, func(t *testing.T) {
			if r := op.do(protocol.SecondFactor{}); r.status != 403 || r.errCode() != protocol.CodeTwoFactorRequired {
				t.Errorf("%s without a code = %d %s, want 403 two_factor_required", op.name, r.status, r.body)
			}
			if r := op.do(protocol.SecondFactor{TOTPCode: en.code(secret, time.Hour)}); r.status != 403 || r.errCode() != protocol.CodeTwoFactorInvalid {
				t.Errorf("%s with a wrong code = %d %s, want 403 two_factor_invalid", op.name, r.status, r.body)
			}
		})
	}
	if r := en.do("GET", "/api/v1/notes", tok, nil); r.status != 200 {
		t.Fatalf("session after refused deletion = %d", r.status)
	}
	if r := pw(protocol.SecondFactor{TOTPCode: en.code(secret, 0)}); r.status != 204 {
		t.Fatalf("password with a code = %d %s", r.status, r.body)
	}
	if r := disable(protocol.SecondFactor{RecoveryCode: codes[0]}); r.status != 204 {
		t.Fatalf("disable with a recovery code = %d %s", r.status, r.body)
	}
	if r := del(protocol.SecondFactor{}); r.status != 204 {
		t.Fatalf("delete once 2FA is off = %d %s", r.status, r.body)
	}
}

// TestTwoFactorNoEnumeration: before the auth key is proven, an account
// with 2FA on answers exactly like one without and like no account.
func TestTwoFactorNoEnumeration(t *testing.T) {
	en := newEnv(t, nil)
	en.register("plain")
	en.enrol(en.register("guard"))
	for _, path := range []string{"/api/v1/auth/params"} {
		a := en.do("POST", path, "", protocol.ParamsRequest{Username: "plain"})
		b := en.do("POST", path, "", protocol.ParamsRequest{Username: "guard"})
		if a.status != b.status || len(a.body) != len(b.body) || !sameHeaders(a.header, b.header) {
			t.Errorf("%s: plain %d %s, guard %d %s", path, a.status, a.body, b.status, b.body)
		}
	}
	var bodies []resp
	for _, name := range []string{"plain", "guard", "nobody"} {
		bodies = append(bodies, en.login(name, key(9)))
		bodies = append(bodies, en.do("POST", "/api/v1/auth/recover", "", protocol.RecoverRequest{Username: name, RecoveryAuthKey: key(9),
			NewAuthKey: key(1), KDF: kdf(), WrappedKey: wrapped(2), DeviceName: "d"}))
	}
	for i := 2; i < len(bodies); i++ {
		a, b := bodies[i%2], bodies[i]
		if a.status != 401 || a.status != b.status || !bytes.Equal(a.body, b.body) || !sameHeaders(a.header, b.header) {
			t.Errorf("answer %d = %d %s, want %d %s", i, b.status, b.body, a.status, a.body)
		}
	}
}

func sameHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if k != "Date" && k != "Content-Length" && a.Get(k) != b.Get(k) {
			return false
		}
	}
	return true
}

func TestRequireTwoFactor(t *testing.T) {
	en := newEnv(t, func(c *Config) { c.RequireTwoFactor = true })
	lr := en.register("alice")
	if r := en.do("GET", "/api/v1/notes", lr.AccessToken, nil); r.status != 403 || r.errCode() != protocol.CodeTwoFactorEnrolment {
		t.Fatalf("notes before enrolment = %d %s, want 403 two_factor_enrolment_required", r.status, r.body)
	}
	var st protocol.TwoFactorStatus
	en.do("GET", "/api/v1/account/2fa", lr.AccessToken, nil).into(t, &st)
	if !st.Required || st.Enabled {
		t.Errorf("status = %+v, want required, not enabled", st)
	}
	en.enrol(lr)
	if r := en.do("GET", "/api/v1/notes", lr.AccessToken, nil); r.status != 200 {
		t.Errorf("notes after enrolment = %d %s", r.status, r.body)
	}
}

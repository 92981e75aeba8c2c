package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"

	"cipherleaf.dev/server/ratelimit"
	"cipherleaf.dev/server/tokens"
	"cipherleaf.dev/shared/protocol"
)

// TestTokenAttacks checks every way an access token must be refused.
func TestTokenAttacks(t *testing.T) {
	en := newEnv(t, nil)
	reg := en.register("alice")
	now := en.clock.now()
	claims := func(mod func(*tokens.Claims)) tokens.Claims {
		c := tokens.Claims{RegisteredClaims: jwt.RegisteredClaims{
			Issuer: tokens.Issuer, Subject: reg.UserID, Audience: jwt.ClaimStrings{tokens.Audience},
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)),
		}, SID: reg.SessionID}
		if mod != nil {
			mod(&c)
		}
		return c
	}
	sign := func(c tokens.Claims, m jwt.SigningMethod, k any) string {
		s, err := jwt.NewWithClaims(m, c).SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tampered := []byte(reg.AccessToken)
	tampered[len(tampered)-2] ^= 1
	bob := en.register("bob")
	tests := []struct {
		name   string
		token  string
		header string
	}{
		{"no header", "", ""},
		{"not bearer", "", "Basic YWxpY2U6cHc="},
		{"alg none", sign(claims(nil), jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType), ""},
		{"HS384", sign(claims(nil), jwt.SigningMethodHS384, jwtKey), ""},
		{"bad signature", string(tampered), ""},
		{"other key", sign(claims(nil), jwt.SigningMethodHS256, []byte("not the server key, 32 bytes....")), ""},
		{"expired", sign(claims(func(c *tokens.Claims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Second)) }), jwt.SigningMethodHS256, jwtKey), ""},
		{"wrong audience", sign(claims(func(c *tokens.Claims) { c.Audience = jwt.ClaimStrings{"x"} }), jwt.SigningMethodHS256, jwtKey), ""},
		{"wrong issuer", sign(claims(func(c *tokens.Claims) { c.Issuer = "x" }), jwt.SigningMethodHS256, jwtKey), ""},
		{"unknown session", sign(claims(func(c *tokens.Claims) { c.SID = "no-such-session" }), jwt.SigningMethodHS256, jwtKey), ""},
		{"session of another user", sign(claims(func(c *tokens.Claims) { c.SID = bob.SessionID }), jwt.SigningMethodHS256, jwtKey), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/api/v1/notes", nil)
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			rec := httptest.NewRecorder()
			en.e.ServeHTTP(rec, req)
			if rec.Code != 401 || !strings.Contains(rec.Body.String(), `"code":"unauthorized"`) {
				t.Errorf("GET /notes = %d %s, want 401 unauthorized", rec.Code, rec.Body)
			}
		})
	}
	t.Run("valid", func(t *testing.T) {
		if r := en.do("GET", "/api/v1/notes", sign(claims(nil), jwt.SigningMethodHS256, jwtKey), nil); r.status != 200 {
			t.Errorf("valid forged-with-real-key token = %d, want 200 (test is broken)", r.status)
		}
	})
	t.Run("expired by the clock", func(t *testing.T) {
		en.clock.add(11 * time.Minute)
		defer en.clock.add(-11 * time.Minute)
		if r := en.do("GET", "/api/v1/notes", reg.AccessToken, nil); r.status != 401 {
			t.Errorf("token after 11 minutes = %d, want 401", r.status)
		}
	})
	t.Run("revoked session", func(t *testing.T) {
		lr := en.login("alice", key(1))
		var l protocol.LoginResponse
		lr.into(t, &l)
		if r := en.do("DELETE", "/api/v1/sessions/"+l.SessionID, reg.AccessToken, nil); r.status != 204 {
			t.Fatalf("revoke = %d", r.status)
		}
		if r := en.do("GET", "/api/v1/notes", l.AccessToken, nil); r.status != 401 {
			t.Errorf("token of revoked session = %d, want 401", r.status)
		}
	})
	t.Run("deleted user", func(t *testing.T) {
		if r := en.do("DELETE", "/api/v1/account", bob.AccessToken, protocol.DeleteAccountRequest{AuthKey: key(1)}); r.status != 204 {
			t.Fatalf("delete account = %d %s", r.status, r.body)
		}
		if r := en.do("GET", "/api/v1/notes", bob.AccessToken, nil); r.status != 401 {
			t.Errorf("token of deleted user = %d, want 401", r.status)
		}
	})
}

func TestSessions(t *testing.T) {
	en := newEnv(t, nil)
	a := en.register("alice")
	var a2 protocol.LoginResponse
	en.login("alice", key(1)).into(t, &a2)
	b := en.register("bob")
	var sr protocol.SessionsResponse
	r := en.do("GET", "/api/v1/sessions", a.AccessToken, nil)
	r.into(t, &sr)
	if len(sr.Sessions) != 2 {
		t.Fatalf("sessions = %+v, want 2", sr)
	}
	for _, s := range sr.Sessions {
		if s.Current != (s.ID == a.SessionID) || s.ID == b.SessionID {
			t.Errorf("session %+v: wrong current flag or another user's", s)
		}
	}
	if r := en.do("DELETE", "/api/v1/sessions/"+b.SessionID, a.AccessToken, nil); r.status != 404 {
		t.Errorf("revoke another user's session = %d, want 404", r.status)
	}
	if r := en.do("GET", "/api/v1/sessions", b.AccessToken, nil); r.status != 200 {
		t.Errorf("bob's session was touched: %d", r.status)
	}
	if r := en.do("DELETE", "/api/v1/sessions", a.AccessToken, nil); r.status != 204 {
		t.Errorf("revoke others = %d", r.status)
	}
	if r := en.do("GET", "/api/v1/sessions", a2.AccessToken, nil); r.status != 401 {
		t.Errorf("other session after revoke-others = %d, want 401", r.status)
	}
	if r := en.do("POST", "/api/v1/auth/logout", a.AccessToken, nil); r.status != 204 {
		t.Errorf("logout = %d", r.status)
	}
	if r := en.do("GET", "/api/v1/sessions", a.AccessToken, nil); r.status != 401 {
		t.Errorf("after logout = %d, want 401", r.status)
	}
}

func TestChangePassword(t *testing.T) {
	en := newEnv(t, nil)
	a := en.register("alice")
	var a2 protocol.LoginResponse
	en.login("alice", key(1)).into(t, &a2)
	req := protocol.PasswordRequest{AuthKey: key(9), NewAuthKey: key(8), KDF: kdf(), WrappedKey: wrapped(8)}
	if r := en.do("POST", "/api/v1/account/password", a.AccessToken, req); r.status != 401 {
		t.Errorf("password change with wrong key = %d, want 401", r.status)
	}
	req.AuthKey = key(1)
	if r := en.do("POST", "/api/v1/account/password", a.AccessToken, req); r.status != 204 {
		t.Fatalf("password change = %d %s", r.status, r.body)
	}
	if r := en.do("GET", "/api/v1/sessions", a2.AccessToken, nil); r.status != 401 {
		t.Errorf("other session after password change = %d, want 401", r.status)
	}
	var keys protocol.KeysResponse
	r := en.do("GET", "/api/v1/account/keys", a.AccessToken, nil)
	r.into(t, &keys)
	if r.status != 200 || !bytes.Equal(keys.WrappedKey, wrapped(8)) {
		t.Errorf("keys after password change = %d %+v", r.status, keys)
	}
	if r := en.login("alice", key(8)); r.status != 200 {
		t.Errorf("login with new key = %d", r.status)
	}
	put := protocol.KeysRequest{AuthKey: key(8), WrappedKey: wrapped(10), RecoveryWrappedKey: wrapped(11), Successor: wrapped(12), BaseGeneration: 1, Generation: 2}
	if r := en.do("PUT", "/api/v1/account/keys", a.AccessToken, put); r.status != 204 {
		t.Fatalf("put keys = %d %s", r.status, r.body)
	}
	en.do("GET", "/api/v1/account/keys", a.AccessToken, nil).into(t, &keys)
	if !bytes.Equal(keys.WrappedKey, wrapped(10)) || !bytes.Equal(keys.Successor, wrapped(12)) {
		t.Errorf("keys after rotation = %+v", keys)
	}
}

// TestIsolation: another user's notes are invisible and untouchable, and
// answers do not reveal that they exist.
func TestIsolation(t *testing.T) {
	en := newEnv(t, nil)
	a := en.register("alice")
	b := en.register("bob")
	id := noteID(1)
	if r := en.do("PUT", "/api/v1/notes/"+id, a.AccessToken, protocol.PutNoteRequest{Blob: []byte("alice's")}); r.status != 200 {
		t.Fatal(r.status)
	}
	var cr protocol.ChangesResponse
	en.do("GET", "/api/v1/notes", b.AccessToken, nil).into(t, &cr)
	if len(cr.Changes) != 0 {
		t.Errorf("bob sees %d changes", len(cr.Changes))
	}
	// Bob deleting alice's id looks exactly like deleting a note that never existed.
	r1 := en.do("DELETE", "/api/v1/notes/"+id+"?base_rev=1", b.AccessToken, nil)
	r2 := en.do("DELETE", "/api/v1/notes/"+noteID(99)+"?base_rev=1", b.AccessToken, nil)
	if r1.status != 409 || r1.status != r2.status || strings.Contains(string(r1.body), "alice") {
		t.Errorf("bob delete alice's = %d %s; unknown = %d %s", r1.status, r1.body, r2.status, r2.body)
	}
	// Bob writing the same id creates his own note.
	if r := en.do("PUT", "/api/v1/notes/"+id, b.AccessToken, protocol.PutNoteRequest{Blob: []byte("bob's")}); r.status != 200 {
		t.Errorf("bob put same id = %d %s", r.status, r.body)
	}
	en.do("GET", "/api/v1/notes", a.AccessToken, nil).into(t, &cr)
	if len(cr.Changes) != 1 || string(cr.Changes[0].Blob) != "alice's" {
		t.Errorf("alice's feed = %+v", cr.Changes)
	}
}

func TestNotesAPI(t *testing.T) {
	en := newEnv(t, nil)
	a := en.register("alice")
	tok := a.AccessToken
	id := noteID(1)
	tests := []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"create", "PUT", "/api/v1/notes/" + id, protocol.PutNoteRequest{Blob: []byte("v1")}, 200, ""},
		{"stale", "PUT", "/api/v1/notes/" + id, protocol.PutNoteRequest{Blob: []byte("v1b")}, 409, "conflict"},
		{"update", "PUT", "/api/v1/notes/" + id, protocol.PutNoteRequest{BaseRev: 1, Blob: []byte("v2")}, 200, ""},
		{"empty blob", "PUT", "/api/v1/notes/" + noteID(2), protocol.PutNoteRequest{}, 400, "bad_request"},
		{"upper-case id", "PUT", "/api/v1/notes/" + strings.ToUpper("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"), protocol.PutNoteRequest{Blob: []byte("x")}, 400, "bad_request"},
		{"sql id", "PUT", "/api/v1/notes/1'%20OR%20'1'='1", protocol.PutNoteRequest{Blob: []byte("x")}, 400, "bad_request"},
		{"path id", "PUT", "/api/v1/notes/..%2F..%2Fetc%2Fpasswd", protocol.PutNoteRequest{Blob: []byte("x")}, 400, "bad_request"},
		{"delete no base", "DELETE", "/api/v1/notes/" + id, nil, 400, "bad_request"},
		{"delete stale", "DELETE", "/api/v1/notes/" + id + "?base_rev=1", nil, 409, "conflict"},
		{"delete", "DELETE", "/api/v1/notes/" + id + "?base_rev=2", nil, 200, ""},
		{"bad since", "GET", "/api/v1/notes?since=-1", nil, 400, "bad_request"},
		{"bad limit", "GET", "/api/v1/notes?limit=x", nil, 400, "bad_request"},
		{"huge limit capped", "GET", "/api/v1/notes?limit=999999999", nil, 200, ""},
		{"wrong content type", "PUT", "/api/v1/notes/" + id, "text", 400, "bad_request"},
		{"unknown route", "GET", "/api/v1/nope", nil, 404, "not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r resp
			if tc.body == "text" {
				req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(`{"blob":"eA=="}`))
				req.Header.Set("Content-Type", "text/plain")
				req.Header.Set("Authorization", "Bearer "+tok)
				rec := httptest.NewRecorder()
				en.e.ServeHTTP(rec, req)
				r = resp{status: rec.Code, body: rec.Body.Bytes()}
			} else {
				r = en.do(tc.method, tc.path, tok, tc.body)
			}
			if r.status != tc.status || r.errCode() != tc.code {
				t.Errorf("%s %s = %d %s, want %d %s", tc.method, tc.path, r.status, r.body, tc.status, tc.code)
			}
		})
	}
	var conflict protocol.ConflictResponse
	en.do("PUT", "/api/v1/notes/"+id, tok, protocol.PutNoteRequest{BaseRev: 1, Blob: []byte("x")}).into(t, &conflict)
	if !conflict.Current.Deleted || conflict.Current.Rev != 3 {
		t.Errorf("conflict current = %+v, want the rev 3 tombstone", conflict.Current)
	}
}

func TestBatchAndManifest(t *testing.T) {
	en := newEnv(t, nil)
	tok := en.register("alice").AccessToken
	ops := []protocol.BatchOp{
		{Op: "put", ID: noteID(1), Blob: []byte("a")},
		{Op: "put", ID: noteID(2), BaseRev: 3, Blob: []byte("b")},
	}
	var br protocol.BatchResponse
	r := en.do("POST", "/api/v1/notes/batch", tok, protocol.BatchRequest{Ops: ops})
	r.into(t, &br)
	if r.status != 200 || !br.Applied || br.Results[0].Status != "ok" || br.Results[1].Status != "conflict" || br.Results[1].Current == nil {
		t.Errorf("batch = %d %s", r.status, r.body)
	}
	// A bad op anywhere refuses the whole batch before anything is written.
	bad := []protocol.BatchOp{{Op: "put", ID: noteID(3), Blob: []byte("c")}, {Op: "frob", ID: noteID(4)}}
	if r := en.do("POST", "/api/v1/notes/batch", tok, protocol.BatchRequest{Ops: bad}); r.status != 400 {
		t.Errorf("batch with bad op = %d", r.status)
	}
	tooMany := make([]protocol.BatchOp, protocol.MaxBatchOps+1)
	for i := range tooMany {
		tooMany[i] = protocol.BatchOp{Op: "delete", ID: noteID(i)}
	}
	if r := en.do("POST", "/api/v1/notes/batch", tok, protocol.BatchRequest{Ops: tooMany}); r.status != 413 || r.errCode() != "too_large" {
		t.Errorf("batch of 1001 = %d %s", r.status, r.body)
	}
	var cr protocol.ChangesResponse
	en.do("GET", "/api/v1/notes", tok, nil).into(t, &cr)
	if len(cr.Changes) != 1 || cr.Manifest != nil {
		t.Errorf("after refused batches: %+v", cr)
	}
	// Manifest CAS, alone and in an atomic batch.
	var m protocol.Manifest
	en.do("GET", "/api/v1/manifest", tok, nil).into(t, &m)
	if m.Version != 0 || m.Blob != nil {
		t.Errorf("initial manifest = %+v", m)
	}
	if r := en.do("PUT", "/api/v1/manifest", tok, protocol.PutManifestRequest{BaseVersion: 0, Blob: []byte("m1")}); r.status != 200 || !bytes.Contains(r.body, []byte(`"version":1`)) {
		t.Errorf("put manifest = %d %s", r.status, r.body)
	}
	var mc protocol.ManifestConflict
	r = en.do("PUT", "/api/v1/manifest", tok, protocol.PutManifestRequest{BaseVersion: 0, Blob: []byte("m2")})
	r.into(t, &mc)
	if r.status != 409 || mc.Code != "conflict" || mc.Current.Version != 1 || string(mc.Current.Blob) != "m1" {
		t.Errorf("stale manifest = %d %s", r.status, r.body)
	}
	atomic := protocol.BatchRequest{Ops: []protocol.BatchOp{{Op: "put", ID: noteID(5), Blob: []byte("e")}}, Manifest: &protocol.PutManifestRequest{BaseVersion: 0, Blob: []byte("m2")}}
	r = en.do("POST", "/api/v1/notes/batch", tok, atomic)
	br = protocol.BatchResponse{}
	r.into(t, &br)
	if r.status != 200 || br.Applied || br.Manifest == nil || br.Manifest.Version != 1 {
		t.Errorf("atomic batch on stale manifest = %d %s", r.status, r.body)
	}
	atomic.Manifest.BaseVersion = 1
	br = protocol.BatchResponse{}
	en.do("POST", "/api/v1/notes/batch", tok, atomic).into(t, &br)
	if !br.Applied || br.Results[0].Rev != 1 {
		t.Errorf("atomic batch = %+v", br)
	}
	cr = protocol.ChangesResponse{}
	en.do("GET", "/api/v1/notes", tok, nil).into(t, &cr)
	if len(cr.Changes) != 2 || cr.Manifest == nil || cr.Manifest.Version != 2 || string(cr.Manifest.Blob) != "m2" {
		t.Errorf("feed after atomic batch = %+v", cr)
	}
}

func TestLimits(t *testing.T) {
	en := newEnv(t, func(c *Config) { c.MaxBody = 4096; c.MaxBlob = 1000; c.Quota = 2500 })
	tok := en.register("alice").AccessToken
	put := func(i int, n int) resp {
		return en.do("PUT", "/api/v1/notes/"+noteID(i), tok, protocol.PutNoteRequest{Blob: make([]byte, n)})
	}
	if r := put(1, 1001); r.status != 413 || r.errCode() != "too_large" || !strings.Contains(string(r.body), "blob") {
		t.Errorf("blob over limit = %d %s", r.status, r.body)
	}
	if r := en.do("PUT", "/api/v1/notes/"+noteID(1), tok, bytes.Repeat([]byte(" "), 5000)); r.status != 413 {
		t.Errorf("body over limit = %d %s", r.status, r.body)
	}
	for i := 1; i <= 2; i++ {
		if r := put(i, 1000); r.status != 200 {
			t.Fatalf("put %d = %d %s", i, r.status, r.body)
		}
	}
	if r := put(3, 1000); r.status != 413 || r.errCode() != "quota_exceeded" {
		t.Errorf("over quota = %d %s", r.status, r.body)
	}
	var cr protocol.ChangesResponse
	en.do("GET", "/api/v1/notes", tok, nil).into(t, &cr)
	if len(cr.Changes) != 2 {
		t.Errorf("%d notes stored, want 2: refused writes must leave nothing", len(cr.Changes))
	}
}

func TestRateLimits(t *testing.T) {
	en := newEnv(t, func(c *Config) {
		c.IPLimit = ratelimit.Config{Rate: rate.Every(time.Hour), Burst: 5}
		c.UserLimit = ratelimit.Config{Rate: rate.Every(time.Hour), Burst: 100, MaxFailures: 3, BaseLockout: time.Minute, MaxLockout: time.Hour}
	})
	en.register("alice") // 1 of the IP's 5
	for i := 0; i < 3; i++ {
		if r := en.login("alice", key(9)); r.status != 401 {
			t.Fatalf("wrong login %d = %d", i, r.status)
		}
	}
	// Locked out: even the right key is refused for now.
	r := en.login("alice", key(1))
	if r.status != 429 || r.errCode() != "rate_limited" || r.header.Get("Retry-After") != "60" {
		t.Errorf("login after 3 failures = %d %s Retry-After %q, want 429 with 60", r.status, r.body, r.header.Get("Retry-After"))
	}
	// The IP's bucket is now empty too.
	r = en.do("POST", "/api/v1/auth/params", "", protocol.ParamsRequest{Username: "bob"})
	if r.status != 429 || r.header.Get("Retry-After") == "" {
		t.Errorf("params over IP limit = %d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	en.clock.add(time.Hour)
	if r := en.login("alice", key(1)); r.status != 200 {
		t.Errorf("login after the lockout = %d %s", r.status, r.body)
	}
}

func TestSecurityHeaders(t *testing.T) {
	en := newEnv(t, nil)
	tok := en.register("alice").AccessToken
	want := map[string]string{
		"Strict-Transport-Security": "max-age=63072000; includeSubDomains",
		"X-Content-Type-Options":    "nosniff",
		"X-Frame-Options":           "DENY",
		"Content-Security-Policy":   "default-src 'none'; frame-ancestors 'none'",
		"Cache-Control":             "no-store",
	}
	for _, tc := range []struct{ method, path, token string }{
		{"GET", "/healthz", ""}, {"GET", "/metrics", ""}, {"GET", "/api/v1/notes", tok},
		{"GET", "/api/v1/notes", ""}, {"GET", "/nope", ""}, {"OPTIONS", "/api/v1/auth/login", ""},
		{"POST", "/api/v1/auth/login", ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			req.Header.Set("Origin", "https://evil.example")
			req.Header.Set("Access-Control-Request-Method", "POST")
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			rec := httptest.NewRecorder()
			en.e.ServeHTTP(rec, req)
			for k, v := range want {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			for k := range rec.Header() {
				if strings.HasPrefix(k, "Access-Control-") {
					t.Errorf("CORS header %s sent", k)
				}
			}
		})
	}
}

func TestErrorResponseHidesInternals(t *testing.T) {
	tests := []struct {
		err    error
		status int
		code   string
	}{
		{fmt.Errorf("read note: %w", errors.New("disk I/O error at /var/lib/secret.db")), 500, "internal"},
		{badRequest("blob is missing"), 400, "bad_request"},
		{&rateLimitedError{retry: time.Second}, 429, "rate_limited"},
		{fmt.Errorf("x: %w", protocol.ErrInvalidUsername), 400, "invalid_username"},
		{&http.MaxBytesError{Limit: 1}, 413, "too_large"},
	}
	for _, tc := range tests {
		status, body := errorResponse(tc.err)
		eb, ok := body.(protocol.ErrorBody)
		if status != tc.status || !ok || eb.Code != tc.code {
			t.Errorf("errorResponse(%v) = %d %+v, want %d %s", tc.err, status, body, tc.status, tc.code)
		}
		if strings.Contains(eb.Error, "disk") || strings.Contains(eb.Error, "/var") {
			t.Errorf("errorResponse(%v) leaks %q", tc.err, eb.Error)
		}
	}
}

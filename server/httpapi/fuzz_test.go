package httpapi

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

// fuzzRoutes are the endpoints that decode a JSON body.
var fuzzRoutes = []struct {
	method, path string
	authed       bool
}{
	{"POST", "/api/v1/auth/params", false},
	{"POST", "/api/v1/auth/register", false},
	{"POST", "/api/v1/auth/login", false},
	{"POST", "/api/v1/auth/refresh", false},
	{"POST", "/api/v1/auth/recovery", false},
	{"POST", "/api/v1/auth/recover", false},
	{"POST", "/api/v1/account/password", true},
	{"PUT", "/api/v1/account/keys", true},
	{"DELETE", "/api/v1/account", true},
	{"PUT", "/api/v1/notes/00000000-0000-4000-8000-000000000001", true},
	{"POST", "/api/v1/notes/batch", true},
	{"PUT", "/api/v1/manifest", true},
}

func seedJSON(v any) []byte { b, _ := json.Marshal(v); return b }

// FuzzAPIBodies sends arbitrary bodies to every JSON endpoint: no input
// may cause a 500 or an answer that is not the documented error shape.
func FuzzAPIBodies(f *testing.F) {
	wrong := key(9)
	seeds := [][]byte{
		seedJSON(protocol.ParamsRequest{Username: "alice"}),
		seedJSON(regReq("carol")),
		seedJSON(protocol.LoginRequest{Username: "alice", AuthKey: wrong}),
		seedJSON(protocol.RefreshRequest{RefreshToken: strings.Repeat("A", 43)}),
		seedJSON(protocol.RecoveryRequest{Username: "alice", RecoveryAuthKey: wrong}),
		seedJSON(protocol.RecoverRequest{Username: "alice", RecoveryAuthKey: wrong, NewAuthKey: key(2), KDF: kdf(), WrappedKey: wrapped(1)}),
		seedJSON(protocol.PasswordRequest{AuthKey: wrong, NewAuthKey: key(2), KDF: kdf(), WrappedKey: wrapped(1)}),
		seedJSON(protocol.KeysRequest{AuthKey: wrong, WrappedKey: wrapped(1), RecoveryWrappedKey: wrapped(1)}),
		seedJSON(protocol.DeleteAccountRequest{AuthKey: wrong}),
		seedJSON(protocol.PutNoteRequest{BaseRev: 0, Blob: []byte("x")}),
		seedJSON(protocol.BatchRequest{Ops: []protocol.BatchOp{{Op: "put", ID: noteID(1), Blob: []byte("x")}, {Op: "delete", ID: noteID(2), BaseRev: 1}},
			Manifest: &protocol.PutManifestRequest{BaseVersion: 0, Blob: []byte("m")}}),
		seedJSON(protocol.PutManifestRequest{BaseVersion: 3, Blob: []byte("m")}),
	}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	for _, s := range []string{"", "{", "null", "[]", `{"kdf":{"t":-1}}`, `{"blob":"!!"}`, `{"base_rev":18446744073709551616}`, `{}{}`, `{"ops":[null]}`} {
		f.Add(uint8(0), []byte(s))
		f.Add(uint8(10), []byte(s))
	}
	en := newEnv(f, nil)
	tok := en.register("alice").AccessToken
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		req := httptest.NewRequest(rt.method, rt.path, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		if rt.authed {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		rec := httptest.NewRecorder()
		en.e.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s with %q = %d %s", rt.method, rt.path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 300 {
			var eb protocol.ErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &eb); err != nil || eb.Code == "" || eb.Error == "" {
				t.Fatalf("%s %s = %d with body %q: not an error body", rt.method, rt.path, rec.Code, rec.Body)
			}
		}
	})
}

// FuzzDecodeJSON checks the body decoder on every request type: it either
// fills the value or returns a bad-request or too-large error, never panics.
func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(`{"username":"alice"}`))
	f.Add([]byte(`{"ops":[{"op":"put","id":"x","blob":"eA=="}]}`))
	f.Add([]byte(`{"a":1} trailing`))
	f.Add([]byte(`{"kdf":{"alg":"argon2id","v":19,"t":3,"m":65536,"p":4,"salt":"AAAAAAAAAAAAAAAAAAAAAA=="}}`))
	targets := []func() any{
		func() any { return &protocol.ParamsRequest{} }, func() any { return &protocol.RegisterRequest{} },
		func() any { return &protocol.LoginRequest{} }, func() any { return &protocol.RefreshRequest{} },
		func() any { return &protocol.RecoveryRequest{} }, func() any { return &protocol.RecoverRequest{} },
		func() any { return &protocol.PasswordRequest{} }, func() any { return &protocol.KeysRequest{} },
		func() any { return &protocol.DeleteAccountRequest{} }, func() any { return &protocol.PutNoteRequest{} },
		func() any { return &protocol.BatchRequest{} }, func() any { return &protocol.PutManifestRequest{} },
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, mk := range targets {
			v := mk()
			err := decodeJSON(strings.NewReader(string(body)), v)
			if err == nil {
				// A decoded value re-encodes and decodes to itself.
				b, err := json.Marshal(v)
				if err != nil {
					t.Fatalf("re-encode %T: %v", v, err)
				}
				w := mk()
				if err := decodeJSON(strings.NewReader(string(b)), w); err != nil {
					t.Fatalf("decode of re-encoded %T %s: %v", v, b, err)
				}
				continue
			}
			if status, _ := errorResponse(err); status != 400 && status != 413 {
				t.Fatalf("decodeJSON(%q) into %T: status %d", body, v, status)
			}
		}
	})
}

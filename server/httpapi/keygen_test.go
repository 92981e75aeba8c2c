package httpapi

import (
	"bytes"
	"context"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

// TestPutKeysGeneration: PUT /account/keys is a compare-and-swap on the
// account's key generation (SPEC §3, §7.2). A refused request, malformed
// or stale, writes nothing.
func TestPutKeysGeneration(t *testing.T) {
	en := newEnv(t, nil)
	a := en.register("alice")
	state := func() (protocol.KeysResponse, uint32) {
		t.Helper()
		var k protocol.KeysResponse
		r := en.do("GET", "/api/v1/account/keys", a.AccessToken, nil)
		if r.status != 200 {
			t.Fatalf("GET /account/keys = %d %s", r.status, r.body)
		}
		r.into(t, &k)
		g, err := en.store.KeyGeneration(context.Background(), mustUserID(t, en, "alice"))
		if err != nil {
			t.Fatal(err)
		}
		return k, g
	}
	if _, g := state(); g != 1 {
		t.Fatalf("generation of a new account = %d, want 1", g)
	}
	rotate := func(base, gen uint32, b byte) protocol.KeysRequest {
		return protocol.KeysRequest{AuthKey: key(1), WrappedKey: wrapped(b), Successor: wrapped(b + 1), BaseGeneration: base, Generation: gen}
	}
	if r := en.do("PUT", "/api/v1/account/keys", a.AccessToken, rotate(1, 2, 20)); r.status != 204 {
		t.Fatalf("rotation 1→2 = %d %s, want 204", r.status, r.body)
	}
	before, g := state()
	if g != 2 {
		t.Fatalf("generation after rotation 1→2 = %d, want 2", g)
	}
	tests := []struct {
		name   string
		req    protocol.KeysRequest
		status int
		code   string
	}{
		{"stale base", rotate(1, 2, 30), 409, protocol.CodeConflict},
		{"base ahead", rotate(3, 4, 30), 409, protocol.CodeConflict},
		{"stale re-wrap", protocol.KeysRequest{AuthKey: key(1), WrappedKey: wrapped(30), BaseGeneration: 1, Generation: 1}, 409, protocol.CodeConflict},
		{"successor without generations", protocol.KeysRequest{AuthKey: key(1), WrappedKey: wrapped(30), Successor: wrapped(31)}, 400, protocol.CodeBadRequest},
		{"skips a generation", rotate(2, 4, 30), 400, protocol.CodeBadRequest},
		{"same generation with successor", rotate(2, 2, 30), 400, protocol.CodeBadRequest},
		{"base only", protocol.KeysRequest{AuthKey: key(1), WrappedKey: wrapped(30), BaseGeneration: 2}, 400, protocol.CodeBadRequest},
		{"generation only", protocol.KeysRequest{AuthKey: key(1), WrappedKey: wrapped(30), Generation: 3}, 400, protocol.CodeBadRequest},
		{"no successor, two generations ahead", protocol.KeysRequest{AuthKey: key(1), WrappedKey: wrapped(30), BaseGeneration: 2, Generation: 4}, 400, protocol.CodeBadRequest},
		{"recovery auth key without its wrap", protocol.KeysRequest{AuthKey: key(1), WrappedKey: wrapped(30), RecoveryAuthKey: key(7), BaseGeneration: 2, Generation: 3}, 400, protocol.CodeBadRequest},
		{"remedy from a stale base", protocol.KeysRequest{AuthKey: key(1), WrappedKey: wrapped(30), BaseGeneration: 1, Generation: 2}, 409, protocol.CodeConflict},
		{"wrong auth key", protocol.KeysRequest{AuthKey: key(9), WrappedKey: wrapped(30), Successor: wrapped(31), BaseGeneration: 2, Generation: 3}, 401, protocol.CodeUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := en.do("PUT", "/api/v1/account/keys", a.AccessToken, tt.req)
			var eb protocol.ErrorBody
			r.into(t, &eb)
			if r.status != tt.status || eb.Code != tt.code {
				t.Errorf("PUT /account/keys %+v = %d %s, want %d %s", tt.req, r.status, r.body, tt.status, tt.code)
			}
			after, g := state()
			if g != 2 || !bytes.Equal(after.WrappedKey, before.WrappedKey) || len(after.Successors) != len(before.Successors) {
				t.Errorf("after a refused PUT: generation %d, wrap %x, %d successors; want 2, %x, %d (nothing written)",
					g, after.WrappedKey[:1], len(after.Successors), before.WrappedKey[:1], len(before.Successors))
			}
		})
	}
	// A re-wrap of the current generation and one from an older client
	// (no generations) are accepted and leave the generation as it is.
	for _, req := range []protocol.KeysRequest{
		{AuthKey: key(1), WrappedKey: wrapped(40), BaseGeneration: 2, Generation: 2},
		{AuthKey: key(1), WrappedKey: wrapped(41)},
	} {
		if r := en.do("PUT", "/api/v1/account/keys", a.AccessToken, req); r.status != 204 {
			t.Fatalf("re-wrap %+v = %d %s, want 204", req, r.status, r.body)
		}
		if k, g := state(); g != 2 || !bytes.Equal(k.WrappedKey, req.WrappedKey) || len(k.Successors) != 1 {
			t.Errorf("after re-wrap: generation %d, %d successors; want 2, 1", g, len(k.Successors))
		}
	}
	if r := en.do("PUT", "/api/v1/account/keys", a.AccessToken, rotate(2, 3, 50)); r.status != 204 {
		t.Fatalf("rotation 2→3 = %d %s, want 204", r.status, r.body)
	}
	if k, g := state(); g != 3 || len(k.Successors) != 2 || !bytes.Equal(k.Successor, wrapped(51)) {
		t.Errorf("after rotation 2→3: generation %d, %d successors; want 3, 2 ending in the new one", g, len(k.Successors))
	}
	// A remedy rotation (SPEC §3.1 L4): no successor, a new recovery key and
	// every other session ended, in one request.
	var other protocol.LoginResponse
	en.login("alice", key(1)).into(t, &other)
	remedy := protocol.KeysRequest{AuthKey: key(1), WrappedKey: wrapped(60), RecoveryWrappedKey: wrapped(61),
		RecoveryAuthKey: key(62), BaseGeneration: 3, Generation: 4, RevokeSessions: true}
	if r := en.do("PUT", "/api/v1/account/keys", a.AccessToken, remedy); r.status != 204 {
		t.Fatalf("remedy rotation 3→4 = %d %s, want 204", r.status, r.body)
	}
	if k, g := state(); g != 4 || len(k.Successors) != 2 || !bytes.Equal(k.WrappedKey, wrapped(60)) {
		t.Errorf("after remedy 3→4: generation %d, %d successors; want 4, 2 (none added)", g, len(k.Successors))
	}
	if r := en.do("GET", "/api/v1/account/keys", other.AccessToken, nil); r.status != 401 {
		t.Errorf("other session after the remedy = %d, want 401", r.status)
	}
	if r := en.do("GET", "/api/v1/account/keys", a.AccessToken, nil); r.status != 200 {
		t.Errorf("remedying session after the remedy = %d, want 200", r.status)
	}
	for _, rk := range []struct {
		key  []byte
		want int
	}{{key(62), 200}, {key(4), 401}} {
		if r := en.do("POST", "/api/v1/auth/recovery", "", protocol.RecoveryRequest{Username: "alice", RecoveryAuthKey: rk.key}); r.status != rk.want {
			t.Errorf("POST /auth/recovery with recovery auth key %x… = %d, want %d", rk.key[:1], r.status, rk.want)
		}
	}
}

func mustUserID(t *testing.T, en *env, name string) int64 {
	t.Helper()
	u, err := en.store.UserByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

package main

import (
	"bytes"
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

// TestE2ERecoveryKeyAndSuccessors: on the real binary, a new recovery key
// replaces the old one (which then gets 401), rotations without a recovery
// wrap keep it, every successor is returned oldest first, and all of it
// survives a restart.
func TestE2ERecoveryKeyAndSuccessors(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	d := start(t, data)
	lr := d.register("alice") // auth key 1, recovery auth key 2, recovery wrap 5
	tok := lr.AccessToken

	newKey := protocol.RecoveryKeyRequest{AuthKey: repeat(1, 32), RecoveryWrappedKey: repeat(7, 77), RecoveryAuthKey: repeat(8, 32)}
	wrong := newKey
	wrong.AuthKey = repeat(9, 32)
	if st, b := d.call("PUT", "/api/v1/account/recovery", tok, wrong, nil); st != 401 {
		t.Errorf("PUT /account/recovery with a wrong auth key = %d %s, want 401", st, b)
	}
	if st, b := d.call("PUT", "/api/v1/account/recovery", tok, newKey, nil); st != 204 {
		t.Fatalf("PUT /account/recovery = %d %s, want 204", st, b)
	}
	for i, req := range []protocol.KeysRequest{
		{AuthKey: repeat(1, 32), WrappedKey: repeat(10, 77), Successor: repeat(11, 77), BaseGeneration: 1, Generation: 2},
		{AuthKey: repeat(1, 32), WrappedKey: repeat(12, 80), Successor: repeat(13, 113), BaseGeneration: 2, Generation: 3},
	} {
		if st, b := d.call("PUT", "/api/v1/account/keys", tok, req, nil); st != 204 {
			t.Fatalf("rotation %d: PUT /account/keys = %d %s", i+1, st, b)
		}
	}
	check := func(when string) {
		t.Helper()
		if st, _ := d.call("POST", "/api/v1/auth/recovery", "", protocol.RecoveryRequest{Username: "alice", RecoveryAuthKey: repeat(2, 32)}, nil); st != 401 {
			t.Errorf("%s: recovery with the old key = %d, want 401", when, st)
		}
		var rr protocol.RecoveryResponse
		if st, b := d.call("POST", "/api/v1/auth/recovery", "", protocol.RecoveryRequest{Username: "alice", RecoveryAuthKey: repeat(8, 32)}, &rr); st != 200 || !bytes.Equal(rr.RecoveryWrappedKey, repeat(7, 77)) {
			t.Errorf("%s: recovery with the new key = %d %s, want the new wrap", when, st, b)
		}
		var k protocol.KeysResponse
		if st, b := d.call("GET", "/api/v1/account/keys", tok, nil, &k); st != 200 {
			t.Fatalf("%s: GET /account/keys = %d %s", when, st, b)
		}
		if len(k.Successors) != 2 || !bytes.Equal(k.Successors[0], repeat(11, 77)) || !bytes.Equal(k.Successors[1], repeat(13, 113)) ||
			!bytes.Equal(k.Successor, repeat(13, 113)) || !bytes.Equal(k.WrappedKey, repeat(12, 80)) {
			t.Errorf("%s: keys = %+v, want wrap 12 and successors [11 13] oldest first", when, k)
		}
	}
	check("running")
	d.stop()
	logs := d.stderr.String()
	d = start(t, data)
	check("after restart")
	if !strings.Contains(logs, "event=recovery-key-replaced outcome=ok") {
		t.Errorf("no audit line for the recovery key change")
	}
	for _, secret := range [][]byte{repeat(8, 32), repeat(7, 77), repeat(1, 32)} {
		if strings.Contains(logs, base64.StdEncoding.EncodeToString(secret)) {
			t.Errorf("a key appears in the log")
		}
	}
}

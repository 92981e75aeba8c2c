package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"
)

var (
	salt = []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	key  = bytes.Repeat([]byte{0xab}, 32)
	blob = bytes.Repeat([]byte{0x01, 0xff}, 40)
	kdf  = KDF{Alg: KDFAlgArgon2id, Version: KDFVersion, Time: 3, Memory: 65536, Threads: 4, Salt: salt}
	now  = time.Date(2026, 11, 24, 10, 0, 0, 123, time.UTC)
	id   = "0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3"
)

// samples holds one fully populated value of every wire type.
var samples = []any{
	&ParamsRequest{Username: "alice"},
	&ParamsResponse{KDF: kdf},
	&RegisterRequest{Username: "alice", AuthKey: key, KDF: kdf, WrappedKey: blob, RecoveryWrappedKey: blob, RecoveryAuthKey: key, DeviceName: "laptop"},
	&LoginRequest{Username: "alice", AuthKey: key, DeviceName: "phone ✓"},
	&LoginResponse{AccessToken: "a.b.c", RefreshToken: "r", ExpiresIn: 600, UserID: id, SessionID: id, WrappedKey: blob, KDF: kdf},
	&RefreshRequest{RefreshToken: "r"},
	&RecoveryRequest{Username: "alice", RecoveryAuthKey: key},
	&RecoveryResponse{RecoveryWrappedKey: blob, KDF: kdf},
	&RecoverRequest{Username: "alice", RecoveryAuthKey: key, NewAuthKey: key, KDF: kdf, WrappedKey: blob, RecoveryWrappedKey: blob, DeviceName: "d"},
	&PasswordRequest{AuthKey: key, NewAuthKey: key, KDF: kdf, WrappedKey: blob, RecoveryWrappedKey: blob},
	&KeysResponse{KDF: kdf, WrappedKey: blob, Successor: blob, Successors: [][]byte{blob, blob}},
	&KeysRequest{AuthKey: key, WrappedKey: blob, RecoveryWrappedKey: blob, Successor: blob},
	&KeysRequest{AuthKey: key, WrappedKey: blob, Successor: blob, BaseGeneration: 7, Generation: 8},
	&RecoveryKeyRequest{AuthKey: key, RecoveryWrappedKey: blob, RecoveryAuthKey: key},
	&DeleteAccountRequest{AuthKey: key},
	&SessionsResponse{Sessions: []Session{{ID: id, DeviceName: "d", Created: now, LastSeen: now, Current: true}}},
	&HealthResponse{Status: "ok", API: []int{APIVersion}},
	&ErrorBody{Error: "slow down", Code: CodeRateLimited},
	&KDF{Alg: KDFAlgArgon2id, Version: KDFVersion, Time: 3, Memory: 65536, Threads: 4, Salt: salt},
	&ChangesResponse{Changes: []Change{{ID: id, Rev: 2, Seq: 9, Blob: blob}, {ID: id, Rev: 3, Seq: 10, Deleted: true}}, Next: 10, More: true},
	&PutNoteRequest{BaseRev: 1, Blob: blob},
	&WriteResponse{Rev: 2, Seq: 11},
	&ConflictResponse{Error: "conflict", Code: CodeConflict, Current: Change{ID: id, Rev: 4, Seq: 12, Blob: blob}},
	&BatchRequest{Ops: []BatchOp{{Op: OpPut, ID: id, BaseRev: 0, Blob: blob}, {Op: OpDelete, ID: id, BaseRev: 3}}},
	&BatchResponse{Results: []BatchResult{{ID: id, Status: StatusOK, Rev: 1, Seq: 2}, {ID: id, Status: StatusConflict, Current: &Change{ID: id, Rev: 5, Seq: 3, Deleted: true}}}},
	&Manifest{Version: 3, Blob: blob},
	&PutManifestRequest{BaseVersion: 3, Blob: blob},
	&ManifestConflict{Error: "conflict", Code: CodeConflict, Current: Manifest{Version: 4, Blob: blob}},
	&LoginResponse{TwoFactor: &TwoFactorChallenge{Challenge: "c", ExpiresIn: 300}},
	&TwoFactorLoginRequest{Challenge: "c", SecondFactor: SecondFactor{TOTPCode: "123456"}},
	&TwoFactorStatus{Enabled: true, Pending: true, RecoveryCodesLeft: 9, Required: true},
	&TwoFactorEnrolRequest{AuthKey: key},
	&TwoFactorEnrolResponse{Secret: "ABC", URI: "otpauth://totp/x"},
	&TwoFactorConfirmRequest{TOTPCode: "123456"},
	&TwoFactorConfirmResponse{RecoveryCodes: []string{"abcde-fghij"}},
	&TwoFactorDisableRequest{AuthKey: key, SecondFactor: SecondFactor{RecoveryCode: "abcde-fghij"}},
	&DeleteAccountRequest{AuthKey: key, SecondFactor: SecondFactor{TOTPCode: "123456"}},
}

func newLike(v any) any { return reflect.New(reflect.TypeOf(v).Elem()).Interface() }

func TestJSONRoundTrip(t *testing.T) {
	for _, v := range samples {
		t.Run(fmt.Sprintf("%T", v), func(t *testing.T) {
			data, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("json.Marshal(%+v) error = %v", v, err)
			}
			got := newLike(v)
			if err := json.Unmarshal(data, got); err != nil || !reflect.DeepEqual(got, v) {
				t.Errorf("json.Unmarshal(%s) = %+v, %v, want %+v", data, got, err, v)
			}
		})
	}
}

// TestJSONWireNames pins the field names and encodings of SPEC §2 and §7.
func TestJSONWireNames(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{kdf, `{"alg":"argon2id","v":19,"t":3,"m":65536,"p":4,"salt":"AAECAwQFBgcICQoLDA0ODw=="}`},
		{Change{ID: id, Rev: 3, Seq: 10, Deleted: true}, `{"id":"` + id + `","rev":3,"seq":10,"deleted":true}`},
		{Change{ID: id, Rev: 2, Seq: 9, Blob: []byte{0xfb, 0xff}}, `{"id":"` + id + `","rev":2,"seq":9,"blob":"+/8="}`},
		{BatchResult{ID: id, Status: StatusOK, Rev: 1, Seq: 2}, `{"id":"` + id + `","status":"ok","rev":1,"seq":2}`},
		{Manifest{}, `{"version":0}`},
		{HealthResponse{Status: "ok", API: []int{1}}, `{"status":"ok","api":[1]}`},
		{ErrorBody{Error: "no", Code: CodeUnauthorized}, `{"error":"no","code":"unauthorized"}`},
		{KeysResponse{KDF: KDF{}, WrappedKey: nil}, `{"kdf":{"alg":"","v":0,"t":0,"m":0,"p":0,"salt":null},"wrapped_key":null}`},
		{KeysRequest{AuthKey: []byte{1}, WrappedKey: []byte{2}}, `{"auth_key":"AQ==","wrapped_key":"Ag=="}`},
		{KeysRequest{AuthKey: []byte{1}, WrappedKey: []byte{2}, Successor: []byte{3}, BaseGeneration: 4, Generation: 5},
			`{"auth_key":"AQ==","wrapped_key":"Ag==","successor":"Aw==","base_generation":4,"generation":5}`},
		{RecoveryKeyRequest{AuthKey: []byte{1}, RecoveryWrappedKey: []byte{2}, RecoveryAuthKey: []byte{3}}, `{"auth_key":"AQ==","recovery_wrapped_key":"Ag==","recovery_auth_key":"Aw=="}`},
		{DeleteAccountRequest{AuthKey: []byte{1}}, `{"auth_key":"AQ=="}`},
		{DeleteAccountRequest{AuthKey: []byte{1}, SecondFactor: SecondFactor{TOTPCode: "012345"}}, `{"auth_key":"AQ==","totp_code":"012345"}`},
		{TwoFactorLoginRequest{Challenge: "c", SecondFactor: SecondFactor{RecoveryCode: "r"}}, `{"challenge":"c","recovery_code":"r"}`},
		{LoginResponse{TwoFactor: &TwoFactorChallenge{Challenge: "c", ExpiresIn: 300}},
			`{"access_token":"","refresh_token":"","expires_in":0,"user_id":"","session_id":"","wrapped_key":null,"kdf":{"alg":"","v":0,"t":0,"m":0,"p":0,"salt":null},"two_factor":{"challenge":"c","expires_in":300}}`},
		{TwoFactorStatus{}, `{"enabled":false,"pending":false,"recovery_codes_left":0,"required":false}`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%T", tt.v), func(t *testing.T) {
			got, err := json.Marshal(tt.v)
			if err != nil || string(got) != tt.want {
				t.Errorf("json.Marshal(%+v) = %s, %v, want %s", tt.v, got, err, tt.want)
			}
		})
	}
}

func TestJSONRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		v    any
	}{
		{"threads above uint8", `{"p":256}`, new(KDF)},
		{"negative memory", `{"m":-1}`, new(KDF)},
		{"salt not base64", `{"salt":"%%%"}`, new(KDF)},
		{"rev negative", `{"base_rev":-1}`, new(PutNoteRequest)},
		{"rev fraction", `{"base_rev":1.5}`, new(PutNoteRequest)},
		{"blob base64url", `{"blob":"-_8="}`, new(PutNoteRequest)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := json.Unmarshal([]byte(tt.in), tt.v); err == nil {
				t.Errorf("json.Unmarshal(%s) = %+v, nil, want an error", tt.in, tt.v)
			}
		})
	}
}

// FuzzJSON decodes arbitrary bytes as every wire type: decode must not
// panic, and decode→encode→decode→encode must reach a fixed point.
func FuzzJSON(f *testing.F) {
	for i, v := range samples {
		data, _ := json.Marshal(v)
		f.Add(uint8(i), data)
	}
	f.Add(uint8(0), []byte(`{"username":"\u212aelvin"}`))
	f.Add(uint8(13), []byte(`{"sessions":[{"created":"2026-01-01T00:00:00+14:00"}]}`))
	f.Add(uint8(18), []byte(`{"base_rev":18446744073709551615,"blob":""}`))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		proto := samples[int(which)%len(samples)]
		v1 := newLike(proto)
		if err := json.Unmarshal(data, v1); err != nil {
			return
		}
		enc1, err := json.Marshal(v1)
		if err != nil {
			t.Fatalf("json.Marshal(%T decoded from %q) error = %v", v1, data, err)
		}
		v2 := newLike(proto)
		if err := json.Unmarshal(enc1, v2); err != nil {
			t.Fatalf("json.Unmarshal(%s) error = %v", enc1, err)
		}
		enc2, err := json.Marshal(v2)
		if err != nil || !bytes.Equal(enc1, enc2) {
			t.Fatalf("%T: encode(decode(%s)) = %s, %v", v1, enc1, enc2, err)
		}
	})
}

func FuzzNormalizeUsername(f *testing.F) {
	for _, s := range []string{"alice", "Alice", " bob ", "\u212aelvin", "'; DROP TABLE users; --", "../x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := NormalizeUsername(s)
		if err != nil {
			return
		}
		if !ValidUsername(n) {
			t.Fatalf("NormalizeUsername(%q) = %q, which ValidUsername refuses", s, n)
		}
		if again, err := NormalizeUsername(n); err != nil || again != n {
			t.Fatalf("NormalizeUsername(%q) = %q, %v, want %q (idempotent)", n, again, err, n)
		}
	})
}

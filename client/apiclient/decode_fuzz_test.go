package apiclient

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

// FuzzDecoders feeds arbitrary bodies to every response decoder: none may
// panic, each either succeeds or says ErrBadResponse (or, for a 409 of
// another kind, *protocol.APIError), and what decodes survives an
// encode→decode round trip unchanged.
func FuzzDecoders(f *testing.F) {
	for _, s := range []string{
		`{"changes":[{"id":"0e3f2a1b-0000-4000-8000-000000000001","rev":2,"seq":11,"blob":"AQ=="},{"id":"x","rev":3,"seq":12,"deleted":true}],"next":12,"more":true}`,
		`{"access_token":"A","refresh_token":"R","expires_in":600,"user_id":"u","session_id":"s","wrapped_key":"AQ==","kdf":{"alg":"argon2id","v":19,"t":3,"m":65536,"p":4,"salt":"AQI="}}`,
		`{"error":"stale","code":"conflict","current":{"id":"a","rev":5,"seq":9,"blob":"AQI="}}`,
		`{"error":"stale","code":"conflict","current":{"version":4,"blob":"AA=="}}`,
		`{"results":[{"id":"a","status":"conflict","current":{"id":"a","rev":2}}]}`,
		`{"sessions":[{"id":"s1","device_name":"cli","created":"2025-01-02T03:04:05Z","current":true}]}`,
		`{"error":"bad","code":"bad_request"}`,
		`{"rev":2,"se`, `not json`, ``, `null`, `{"kdf":{"p":300}}`, `{"blob":"!!"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		targets := []any{
			new(protocol.ChangesResponse), new(protocol.LoginResponse), new(protocol.ParamsResponse),
			new(protocol.RecoveryResponse), new(protocol.SessionsResponse), new(protocol.KeysResponse),
			new(protocol.WriteResponse), new(protocol.BatchResponse), new(protocol.Manifest), new(protocol.HealthResponse),
		}
		for _, out := range targets {
			err := decodeJSON(body, out)
			if err != nil {
				if !errors.Is(err, ErrBadResponse) {
					t.Fatalf("decodeJSON(%q, %T) err = %v, want ErrBadResponse", body, out, err)
				}
				continue
			}
			again, err := json.Marshal(out)
			if err != nil {
				t.Fatalf("re-encode %T: %v", out, err)
			}
			back := reflect.New(reflect.TypeOf(out).Elem()).Interface()
			if err := decodeJSON(again, back); err != nil {
				t.Fatalf("decode of re-encoded %T (%s): %v", out, again, err)
			}
			if !reflect.DeepEqual(normalize(out), normalize(back)) {
				t.Fatalf("round trip of %T changed it: %+v vs %+v", out, out, back)
			}
		}
		for _, dec := range []func([]byte) error{decodeNoteConflict, decodeManifestConflict} {
			err := dec(body)
			var ce *ConflictError
			var me *ManifestConflictError
			var ae *protocol.APIError
			if !errors.Is(err, ErrBadResponse) && !errors.As(err, &ce) && !errors.As(err, &me) && !errors.As(err, &ae) {
				t.Fatalf("conflict decoder on %q err = %v, want a typed error", body, err)
			}
		}
		if ae, ok := apiError(400, body).(*protocol.APIError); !ok || ae.Status != 400 || len(ae.Msg) > maxServerMsg+len("…") {
			t.Fatalf("apiError(%q) = %v", body, ae)
		}
	})
}

// normalize re-encodes v so nil and empty byte slices compare equal (JSON
// does not tell them apart after omitempty).
func normalize(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

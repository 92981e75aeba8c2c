package apiclient

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"testing"
	"time"

	"cipherleaf.dev/shared/protocol"
)

// seen is what the server received.
type seen struct {
	method, path, query, auth, ctype string
	body                             map[string]any
}

func TestEndpoints(t *testing.T) {
	const id = "0e3f2a1b-0000-4000-8000-000000000001"
	ctx := context.Background()
	kdf := protocol.KDF{Alg: "argon2id", Version: 19, Time: 3, Memory: 65536, Threads: 4, Salt: []byte{1, 2}}
	created := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	loginBody := `{"access_token":"A","refresh_token":"R","expires_in":600,"user_id":"u","session_id":"s","wrapped_key":"AQ==","kdf":{"alg":"argon2id","v":19,"t":3,"m":65536,"p":4,"salt":"AQI="}}`

	tests := []struct {
		name       string
		status     int
		answer     string
		run        func(c *Client) (any, error)
		wantMethod string
		wantPath   string
		wantQuery  string
		wantAuth   bool
		wantBody   map[string]any // nil = no body
		want       any
	}{
		{"health", 200, `{"status":"ok","api":[1]}`,
			func(c *Client) (any, error) { return c.Health(ctx) },
			"GET", "/healthz", "", false, nil, &protocol.HealthResponse{Status: "ok", API: []int{1}}},
		{"params", 200, `{"kdf":{"alg":"argon2id","v":19,"t":3,"m":65536,"p":4,"salt":"AQI="}}`,
			func(c *Client) (any, error) { return c.Params(ctx, "ann") },
			"POST", "/api/v1/auth/params", "", false, map[string]any{"username": "ann"}, &kdf},
		{"register", 201, loginBody,
			func(c *Client) (any, error) {
				r, err := c.Register(ctx, protocol.RegisterRequest{Username: "ann", AuthKey: []byte{7}, DeviceName: "cli"})
				if err != nil {
					return nil, err
				}
				return r.SessionID, nil
			},
			"POST", "/api/v1/auth/register", "", false,
			map[string]any{"username": "ann", "auth_key": "Bw==", "kdf": map[string]any{"alg": "", "v": 0.0, "t": 0.0, "m": 0.0, "p": 0.0, "salt": nil},
				"wrapped_key": nil, "recovery_wrapped_key": nil, "recovery_auth_key": nil, "device_name": "cli"}, "s"},
		{"login", 200, loginBody,
			func(c *Client) (any, error) {
				r, err := c.Login(ctx, protocol.LoginRequest{Username: "ann", AuthKey: []byte{7}, DeviceName: "cli"})
				if err != nil {
					return nil, err
				}
				return r.KDF, nil
			},
			"POST", "/api/v1/auth/login", "", false, map[string]any{"username": "ann", "auth_key": "Bw==", "device_name": "cli"}, kdf},
		{"recovery", 200, `{"recovery_wrapped_key":"AQ==","kdf":{"alg":"argon2id"}}`,
			func(c *Client) (any, error) {
				return c.Recovery(ctx, protocol.RecoveryRequest{Username: "ann", RecoveryAuthKey: []byte{9}})
			},
			"POST", "/api/v1/auth/recovery", "", false, map[string]any{"username": "ann", "recovery_auth_key": "CQ=="},
			&protocol.RecoveryResponse{RecoveryWrappedKey: []byte{1}, KDF: protocol.KDF{Alg: "argon2id"}}},
		{"recover", 200, loginBody,
			func(c *Client) (any, error) {
				r, err := c.Recover(ctx, protocol.RecoverRequest{Username: "ann"})
				if err != nil {
					return nil, err
				}
				return r.UserID, nil
			},
			"POST", "/api/v1/auth/recover", "", false,
			map[string]any{"username": "ann", "recovery_auth_key": nil, "new_auth_key": nil, "wrapped_key": nil, "device_name": "",
				"kdf": map[string]any{"alg": "", "v": 0.0, "t": 0.0, "m": 0.0, "p": 0.0, "salt": nil}}, "u"},
		{"logout", 204, ``,
			func(c *Client) (any, error) { return nil, c.Logout(ctx) },
			"POST", "/api/v1/auth/logout", "", true, nil, nil},
		{"sessions", 200, `{"sessions":[{"id":"s1","device_name":"cli","created":"2025-01-02T03:04:05Z","current":true}]}`,
			func(c *Client) (any, error) { return c.Sessions(ctx) },
			"GET", "/api/v1/sessions", "", true, nil, []protocol.Session{{ID: "s1", DeviceName: "cli", Created: created, Current: true}}},
		{"revoke session", 204, ``,
			func(c *Client) (any, error) { return nil, c.RevokeSession(ctx, "s 2") },
			"DELETE", "/api/v1/sessions/s 2", "", true, nil, nil},
		{"revoke others", 204, ``,
			func(c *Client) (any, error) { return nil, c.RevokeOtherSessions(ctx) },
			"DELETE", "/api/v1/sessions", "", true, nil, nil},
		{"change password", 204, ``,
			func(c *Client) (any, error) {
				return nil, c.ChangePassword(ctx, protocol.PasswordRequest{AuthKey: []byte{1}, NewAuthKey: []byte{2}, WrappedKey: []byte{3}})
			},
			"POST", "/api/v1/account/password", "", true,
			map[string]any{"auth_key": "AQ==", "new_auth_key": "Ag==", "wrapped_key": "Aw==",
				"kdf": map[string]any{"alg": "", "v": 0.0, "t": 0.0, "m": 0.0, "p": 0.0, "salt": nil}}, nil},
		{"keys", 200, `{"kdf":{"alg":"argon2id"},"wrapped_key":"AQ==","successor":"Ag=="}`,
			func(c *Client) (any, error) { return c.Keys(ctx) },
			"GET", "/api/v1/account/keys", "", true, nil,
			&protocol.KeysResponse{KDF: protocol.KDF{Alg: "argon2id"}, WrappedKey: []byte{1}, Successor: []byte{2}}},
		{"put keys", 204, ``,
			func(c *Client) (any, error) {
				return nil, c.PutKeys(ctx, protocol.KeysRequest{AuthKey: []byte{1}, WrappedKey: []byte{2}, RecoveryWrappedKey: []byte{3}, Successor: []byte{4}})
			},
			"PUT", "/api/v1/account/keys", "", true,
			map[string]any{"auth_key": "AQ==", "wrapped_key": "Ag==", "recovery_wrapped_key": "Aw==", "successor": "BA=="}, nil},
		{"put keys, no recovery wrap", 204, ``,
			func(c *Client) (any, error) {
				return nil, c.PutKeys(ctx, protocol.KeysRequest{AuthKey: []byte{1}, WrappedKey: []byte{2}, Successor: []byte{4}})
			},
			"PUT", "/api/v1/account/keys", "", true,
			map[string]any{"auth_key": "AQ==", "wrapped_key": "Ag==", "successor": "BA=="}, nil},
		{"keys with successors", 200, `{"kdf":{"alg":"argon2id"},"wrapped_key":"AQ==","successor":"Aw==","successors":["Ag==","Aw=="]}`,
			func(c *Client) (any, error) { return c.Keys(ctx) },
			"GET", "/api/v1/account/keys", "", true, nil,
			&protocol.KeysResponse{KDF: protocol.KDF{Alg: "argon2id"}, WrappedKey: []byte{1}, Successor: []byte{3}, Successors: [][]byte{{2}, {3}}}},
		{"set recovery", 204, ``,
			func(c *Client) (any, error) {
				return nil, c.SetRecovery(ctx, protocol.RecoveryKeyRequest{AuthKey: []byte{1}, RecoveryWrappedKey: []byte{2}, RecoveryAuthKey: []byte{3}})
			},
			"PUT", "/api/v1/account/recovery", "", true,
			map[string]any{"auth_key": "AQ==", "recovery_wrapped_key": "Ag==", "recovery_auth_key": "Aw=="}, nil},
		{"delete account", 204, ``,
			func(c *Client) (any, error) {
				return nil, c.DeleteAccount(ctx, protocol.DeleteAccountRequest{AuthKey: []byte{1}})
			},
			"DELETE", "/api/v1/account", "", true, map[string]any{"auth_key": "AQ=="}, nil},
		{"changes", 200, `{"changes":[{"id":"` + id + `","rev":2,"seq":11,"blob":"AQ=="},{"id":"` + id + `","rev":3,"seq":12,"deleted":true}],"next":12,"more":true}`,
			func(c *Client) (any, error) { return c.Changes(ctx, 10, 500) },
			"GET", "/api/v1/notes", "limit=500&since=10", true, nil,
			&protocol.ChangesResponse{Changes: []protocol.Change{{ID: id, Rev: 2, Seq: 11, Blob: []byte{1}}, {ID: id, Rev: 3, Seq: 12, Deleted: true}}, Next: 12, More: true}},
		{"changes default limit", 200, `{"changes":[],"next":0}`,
			func(c *Client) (any, error) { return c.Changes(ctx, 0, 0) },
			"GET", "/api/v1/notes", "since=0", true, nil, &protocol.ChangesResponse{Changes: []protocol.Change{}}},
		{"put note", 200, `{"rev":1,"seq":1}`,
			func(c *Client) (any, error) {
				return c.PutNote(ctx, id, protocol.PutNoteRequest{BaseRev: 0, Blob: []byte{1, 2}})
			},
			"PUT", "/api/v1/notes/" + id, "", true, map[string]any{"base_rev": 0.0, "blob": "AQI="}, &protocol.WriteResponse{Rev: 1, Seq: 1}},
		{"delete note", 200, `{"rev":4,"seq":20}`,
			func(c *Client) (any, error) { return c.DeleteNote(ctx, id, 3) },
			"DELETE", "/api/v1/notes/" + id, "base_rev=3", true, nil, &protocol.WriteResponse{Rev: 4, Seq: 20}},
		{"batch", 200, `{"results":[{"id":"` + id + `","status":"ok","rev":1,"seq":5}]}`,
			func(c *Client) (any, error) {
				return c.Batch(ctx, protocol.BatchRequest{Ops: []protocol.BatchOp{{Op: "put", ID: id, Blob: []byte{1}}}})
			},
			"POST", "/api/v1/notes/batch", "", true,
			map[string]any{"ops": []any{map[string]any{"op": "put", "id": id, "base_rev": 0.0, "blob": "AQ=="}}},
			&protocol.BatchResponse{Results: []protocol.BatchResult{{ID: id, Status: "ok", Rev: 1, Seq: 5}}}},
		{"manifest", 200, `{"version":0}`,
			func(c *Client) (any, error) { return c.Manifest(ctx) },
			"GET", "/api/v1/manifest", "", true, nil, &protocol.Manifest{}},
		{"put manifest", 200, `{"version":4}`,
			func(c *Client) (any, error) {
				return c.PutManifest(ctx, protocol.PutManifestRequest{BaseVersion: 3, Blob: []byte{9}})
			},
			"PUT", "/api/v1/manifest", "", true, map[string]any{"base_version": 3.0, "blob": "CQ=="}, &protocol.Manifest{Version: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make(chan seen, 1)
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s := seen{method: r.Method, path: r.URL.Path, query: r.URL.RawQuery, auth: r.Header.Get("Authorization"), ctype: r.Header.Get("Content-Type")}
				if b, _ := io.ReadAll(r.Body); len(b) > 0 {
					if err := json.Unmarshal(b, &s.body); err != nil {
						t.Errorf("request body %q: %v", b, err)
					}
				}
				got <- s
				writeJSON(w, tt.status, tt.answer)
			}))
			c := newTestClient(t, srv, Config{Tokens: Tokens{Access: "tok", Refresh: "ref"}})
			out, err := tt.run(c)
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if tt.want != nil && !reflect.DeepEqual(out, tt.want) {
				t.Errorf("result = %#v, want %#v", out, tt.want)
			}
			s := <-got
			if s.method != tt.wantMethod || s.path != tt.wantPath || s.query != tt.wantQuery {
				t.Errorf("request = %s %s?%s, want %s %s?%s", s.method, s.path, s.query, tt.wantMethod, tt.wantPath, tt.wantQuery)
			}
			if wantAuth := "Bearer tok"; tt.wantAuth != (s.auth == wantAuth) || (!tt.wantAuth && s.auth != "") {
				t.Errorf("Authorization = %q, want bearer: %v", s.auth, tt.wantAuth)
			}
			if !reflect.DeepEqual(s.body, tt.wantBody) {
				t.Errorf("request body = %#v, want %#v", s.body, tt.wantBody)
			}
			if tt.wantBody != nil && s.ctype != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", s.ctype)
			}
		})
	}
}

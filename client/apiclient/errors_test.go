package apiclient

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

func TestAnswers(t *testing.T) {
	const id = "0e3f2a1b-0000-4000-8000-000000000001"
	isAPI := func(status int, code, msg string) func(error) bool {
		return func(err error) bool {
			var ae *protocol.APIError
			return errors.As(err, &ae) && ae.Status == status && ae.Code == code && ae.Msg == msg
		}
	}
	isBad := func(err error) bool { return errors.Is(err, ErrBadResponse) }
	put := func(c *Client) error {
		_, err := c.PutNote(context.Background(), id, protocol.PutNoteRequest{BaseRev: 1, Blob: []byte("x")})
		return err
	}
	tests := []struct {
		name  string
		code  int
		body  string
		run   func(c *Client) error
		check func(error) bool
	}{
		{"note conflict", 409, `{"error":"stale","code":"conflict","current":{"id":"` + id + `","rev":5,"seq":9,"blob":"AQI="}}`, put,
			func(err error) bool {
				var ce *ConflictError
				return errors.As(err, &ce) && ce.Current.ID == id && ce.Current.Rev == 5 && string(ce.Current.Blob) == "\x01\x02"
			}},
		{"delete conflict on tombstone", 409, `{"error":"stale","code":"conflict","current":{"id":"` + id + `","rev":3,"seq":4,"deleted":true}}`,
			func(c *Client) error { _, err := c.DeleteNote(context.Background(), id, 1); return err },
			func(err error) bool {
				var ce *ConflictError
				return errors.As(err, &ce) && ce.Current.Deleted && ce.Current.Rev == 3
			}},
		{"manifest conflict", 409, `{"error":"stale","code":"conflict","current":{"version":4,"blob":"AA=="}}`,
			func(c *Client) error {
				_, err := c.PutManifest(context.Background(), protocol.PutManifestRequest{BaseVersion: 3})
				return err
			},
			func(err error) bool {
				var me *ManifestConflictError
				return errors.As(err, &me) && me.Current.Version == 4
			}},
		{"conflict body garbage", 409, `{"current":`, put, isBad},
		{"conflict without current", 409, `{"error":"stale","code":"conflict"}`, put, isBad},
		{"409 of another kind", 409, `{"error":"name taken","code":"username_taken"}`,
			func(c *Client) error {
				_, err := c.Register(context.Background(), protocol.RegisterRequest{})
				return err
			},
			isAPI(409, protocol.CodeUsernameTaken, "name taken")},
		{"error body", 413, `{"error":"quota exceeded","code":"quota_exceeded"}`, put, isAPI(413, protocol.CodeQuotaExceeded, "quota exceeded")},
		{"404 session", 404, `{"error":"no such session","code":"not_found"}`,
			func(c *Client) error { return c.RevokeSession(context.Background(), "s2") }, isAPI(404, protocol.CodeNotFound, "no such session")},
		{"error body not JSON", 403, `<html>forbidden</html>`, put, isAPI(403, "", "Forbidden")},
		{"server words cleaned", 400, `{"error":"bad\u001b[31m red","code":"bad_request"}`, put, isAPI(400, protocol.CodeBadRequest, "bad [31m red")},
		{"garbage JSON", 200, `not json`, put, isBad},
		{"truncated JSON", 200, `{"rev":2,"se`, put, isBad},
		{"trailing garbage", 200, `{"rev":2} {"rev":3}`, put, isBad},
		{"wrong type", 200, `{"rev":"two"}`, put, isBad},
		{"empty body", 200, ``, put, isBad},
		{"changes do not advance", 200, `{"changes":[],"next":10,"more":true}`,
			func(c *Client) error { _, err := c.Changes(context.Background(), 10, 0); return err }, isBad},
		{"batch result count", 200, `{"results":[]}`,
			func(c *Client) error {
				_, err := c.Batch(context.Background(), protocol.BatchRequest{Ops: []protocol.BatchOp{{Op: protocol.OpPut, ID: id}}})
				return err
			}, isBad},
		{"login without tokens", 200, `{"user_id":"u"}`,
			func(c *Client) error {
				_, err := c.Login(context.Background(), protocol.LoginRequest{})
				return err
			}, isBad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, tt.code, tt.body)
			}))
			c := newTestClient(t, srv, Config{Tokens: Tokens{Access: "tok-SECRET", Refresh: "ref-SECRET"}})
			err := tt.run(c)
			if !tt.check(err) {
				t.Fatalf("err = %v (%T), not the wanted kind", err, err)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error text %q carries a token", err.Error())
			}
		})
	}
}

func TestOversizedAnswerRefused(t *testing.T) {
	big := `{"changes":[],"next":1,"pad":"` + strings.Repeat("x", 4096) + `"}`
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, big) }))
	o := testOptions()
	o.bodyLimit = 1024
	c, err := newClient(Config{BaseURL: srv.URL, Pin: pinOf(srv), Tokens: Tokens{Access: "a"}}, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Changes(context.Background(), 0, 0); !errors.Is(err, ErrBadResponse) {
		t.Fatalf("Changes(oversized) err = %v, want ErrBadResponse", err)
	}
	o.bodyLimit = len(big) + 1
	c, _ = newClient(Config{BaseURL: srv.URL, Pin: pinOf(srv), Tokens: Tokens{Access: "a"}}, o)
	if _, err := c.Changes(context.Background(), 0, 0); err != nil {
		t.Fatalf("Changes(within limit) err = %v, want nil", err)
	}
}

func TestInvalidNoteIDNeverSent(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request sent for an invalid id: %s", r.URL)
	}))
	c := newTestClient(t, srv, Config{Tokens: Tokens{Access: "a"}})
	for _, id := range []string{"", "../account", "0E3F2A1B-0000-4000-8000-000000000001"} {
		if _, err := c.PutNote(context.Background(), id, protocol.PutNoteRequest{}); !errors.Is(err, protocol.ErrInvalidID) {
			t.Errorf("PutNote(%q) err = %v, want ErrInvalidID", id, err)
		}
		if _, err := c.DeleteNote(context.Background(), id, 1); !errors.Is(err, protocol.ErrInvalidID) {
			t.Errorf("DeleteNote(%q) err = %v, want ErrInvalidID", id, err)
		}
	}
}

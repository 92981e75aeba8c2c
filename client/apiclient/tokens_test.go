package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

// authServer accepts access token "new", answers 401 to anything else, and
// hands out "new"/"r2" for refresh token "r1" (refuseRefresh: 401 instead).
type authServer struct {
	refreshes     atomic.Int32
	refuseRefresh bool
	stale         chan struct{} // when set, each request with a stale token waits for it
	arrivals      sync.WaitGroup
}

func (a *authServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/api/v1/auth/refresh" {
		a.refreshes.Add(1)
		var req protocol.RefreshRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.RefreshToken != "r1" || a.refuseRefresh {
			writeJSON(w, 401, `{"error":"session revoked","code":"unauthorized"}`)
			return
		}
		writeJSON(w, 200, `{"access_token":"new","refresh_token":"r2","expires_in":600,"user_id":"u1","session_id":"s1"}`)
		return
	}
	if r.Header.Get("Authorization") != "Bearer new" {
		if a.stale != nil {
			a.arrivals.Done()
			<-a.stale
		}
		writeJSON(w, 401, `{"error":"token expired","code":"unauthorized"}`)
		return
	}
	writeJSON(w, 200, `{"sessions":[{"id":"s1","device_name":"laptop","current":true}]}`)
}

func TestRefreshOn401(t *testing.T) {
	as := &authServer{}
	srv := newServer(t, as)
	var saved []Tokens
	c := newTestClient(t, srv, Config{
		Tokens:   Tokens{Access: "old", Refresh: "r1", SessionID: "s1", UserID: "u1"},
		OnTokens: func(tk Tokens) { saved = append(saved, tk) },
	})
	ss, err := c.Sessions(context.Background())
	if err != nil {
		t.Fatalf("Sessions() err = %v", err)
	}
	if len(ss) != 1 || ss[0].ID != "s1" || !ss[0].Current {
		t.Errorf("Sessions() = %+v, want one current session s1", ss)
	}
	want := Tokens{Access: "new", Refresh: "r2", SessionID: "s1", UserID: "u1"}
	if got := c.Tokens(); got != want {
		t.Errorf("Tokens() = %+v, want %+v", got, want)
	}
	if len(saved) != 1 || saved[0] != want {
		t.Errorf("OnTokens calls = %+v, want one with %+v", saved, want)
	}
	if n := as.refreshes.Load(); n != 1 {
		t.Errorf("refreshes = %d, want 1", n)
	}
}

func TestConcurrent401RefreshesOnce(t *testing.T) {
	const n = 8
	as := &authServer{stale: make(chan struct{})}
	as.arrivals.Add(n)
	srv := newServer(t, as)
	c := newTestClient(t, srv, Config{Tokens: Tokens{Access: "old", Refresh: "r1"}})

	// Every goroutine holds the stale token until all n reached the server,
	// so all n get their 401 before anyone refreshes.
	go func() { as.arrivals.Wait(); close(as.stale) }()
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := c.Sessions(context.Background())
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("Sessions() err = %v", err)
		}
	}
	if got := as.refreshes.Load(); got != 1 {
		t.Errorf("refreshes = %d, want 1", got)
	}
}

func TestRefreshFailure(t *testing.T) {
	tests := []struct {
		name   string
		tokens Tokens
		refuse bool
		wantRT int32 // refresh requests the server saw after two calls
	}{
		{"refresh refused", Tokens{Access: "old", Refresh: "r1"}, true, 1},
		{"spent refresh token", Tokens{Access: "old", Refresh: "spent"}, false, 1},
		{"no refresh token", Tokens{Access: "old"}, false, 0},
		{"no tokens at all", Tokens{}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as := &authServer{refuseRefresh: tt.refuse}
			srv := newServer(t, as)
			c := newTestClient(t, srv, Config{Tokens: tt.tokens})
			for i := range 2 {
				if _, err := c.Sessions(context.Background()); !errors.Is(err, ErrSessionExpired) {
					t.Fatalf("Sessions() #%d err = %v, want ErrSessionExpired", i, err)
				}
			}
			if got := as.refreshes.Load(); got != tt.wantRT {
				t.Errorf("refreshes = %d, want %d (a refused token must not be presented twice)", got, tt.wantRT)
			}
		})
	}
}

func TestLoginInstallsTokens(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/auth/login":
			writeJSON(w, 200, `{"access_token":"new","refresh_token":"r1","user_id":"u1","session_id":"s9","wrapped_key":"AAEC"}`)
		case "/api/v1/auth/logout":
			writeJSON(w, 204, ``)
		default:
			http.NotFound(w, r)
		}
	}))
	var saved []Tokens
	c := newTestClient(t, srv, Config{OnTokens: func(tk Tokens) { saved = append(saved, tk) }})
	lr, err := c.Login(context.Background(), protocol.LoginRequest{Username: "ann", AuthKey: make([]byte, 32)})
	if err != nil {
		t.Fatalf("Login() err = %v", err)
	}
	if string(lr.WrappedKey) != "\x00\x01\x02" {
		t.Errorf("Login().WrappedKey = %x, want 000102", lr.WrappedKey)
	}
	want := Tokens{Access: "new", Refresh: "r1", SessionID: "s9", UserID: "u1"}
	if c.Tokens() != want || len(saved) != 1 || saved[0] != want {
		t.Errorf("after Login: Tokens() = %+v, OnTokens calls %+v; want %+v once", c.Tokens(), saved, want)
	}
	if err := c.Logout(context.Background()); err != nil {
		t.Fatalf("Logout() err = %v", err)
	}
	if c.Tokens() != (Tokens{}) {
		t.Errorf("after Logout: Tokens() = %+v, want empty", c.Tokens())
	}
}

func TestWrongPasswordOnChangeIsNotSessionExpiry(t *testing.T) {
	// The token is fine but the old password proof is wrong: the server
	// answers 401 every time. That must come back as an APIError, not as
	// "sign in again".
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/auth/refresh" {
			writeJSON(w, 200, `{"access_token":"new","refresh_token":"r2"}`)
			return
		}
		writeJSON(w, 401, `{"error":"wrong password","code":"unauthorized"}`)
	}))
	ctx := context.Background()
	calls := map[string]func(c *Client) error{
		"ChangePassword": func(c *Client) error { return c.ChangePassword(ctx, protocol.PasswordRequest{}) },
		"PutKeys":        func(c *Client) error { return c.PutKeys(ctx, protocol.KeysRequest{}) },
		"SetRecovery":    func(c *Client) error { return c.SetRecovery(ctx, protocol.RecoveryKeyRequest{}) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			c := newTestClient(t, srv, Config{Tokens: Tokens{Access: "a", Refresh: "r1"}})
			err := call(c)
			var ae *protocol.APIError
			if !errors.As(err, &ae) || ae.Code != protocol.CodeUnauthorized || errors.Is(err, ErrSessionExpired) {
				t.Fatalf("%s() err = %v, want *APIError unauthorized", name, err)
			}
		})
	}
}

package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

// rotatingServer is a server with single-use refresh tokens and reuse
// detection, like cipherleafd: presenting a spent refresh token revokes the
// session. The refresh answer waits for release when it is set.
type rotatingServer struct {
	mu      sync.Mutex
	access  string
	refresh string
	spent   map[string]bool
	revoked bool
	n       int
	arrived chan struct{} // gets a value when a refresh arrives (if set)
	release chan struct{} // a refresh answers only once it is closed (if set)
}

func (s *rotatingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/api/v1/auth/refresh" {
		var req protocol.RefreshRequest
		json.NewDecoder(r.Body).Decode(&req)
		if s.arrived != nil {
			s.arrived <- struct{}{}
		}
		if s.release != nil {
			<-s.release
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.spent[req.RefreshToken] {
			s.revoked = true
		}
		if s.revoked || req.RefreshToken != s.refresh {
			writeJSON(w, 401, `{"error":"session revoked","code":"unauthorized"}`)
			return
		}
		s.spent[s.refresh] = true
		s.n++
		s.access, s.refresh = "a"+string(rune('0'+s.n)), "r"+string(rune('0'+s.n))
		writeJSON(w, 200, `{"access_token":"`+s.access+`","refresh_token":"`+s.refresh+`","user_id":"u1","session_id":"s1"}`)
		return
	}
	s.mu.Lock()
	ok := !s.revoked && r.Header.Get("Authorization") == "Bearer "+s.access
	s.mu.Unlock()
	if !ok {
		writeJSON(w, 401, `{"error":"token expired","code":"unauthorized"}`)
		return
	}
	writeJSON(w, 200, `{"sessions":[{"id":"s1","device_name":"laptop","current":true}]}`)
}

// TestRefreshOutlivesCancelledCaller: the caller that started a refresh
// gives up (a cancelled sync) after the server received the refresh but
// before it answered. The refresh still completes and installs the new
// pair, so the next call does not present the spent refresh token (which
// would revoke the session).
func TestRefreshOutlivesCancelledCaller(t *testing.T) {
	rs := &rotatingServer{access: "a0", refresh: "r0", spent: map[string]bool{},
		arrived: make(chan struct{}, 1), release: make(chan struct{})}
	srv := newServer(t, rs)
	var mu sync.Mutex
	var saved []Tokens
	c := newTestClient(t, srv, Config{
		Tokens:   Tokens{Access: "expired", Refresh: "r0"},
		OnTokens: func(tk Tokens) { mu.Lock(); saved = append(saved, tk); mu.Unlock() },
	})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := c.Sessions(ctx); errc <- err }()
	<-rs.arrived
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Sessions() with a cancelled context = %v, want context.Canceled", err)
	}
	rs.arrived = nil
	close(rs.release)
	c.WaitRefresh(context.Background())
	if got := c.Tokens(); got.Refresh != "r1" {
		t.Fatalf("Tokens() after the refresh = %+v, want refresh token r1", got)
	}
	if _, err := c.Sessions(context.Background()); err != nil {
		t.Fatalf("Sessions() after the refresh: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(saved) != 1 || saved[0].Refresh != "r1" {
		t.Errorf("OnTokens calls = %+v, want one with r1", saved)
	}
	if rs.revoked {
		t.Error("the server saw a spent refresh token and revoked the session")
	}
}

// TestRefreshRaceNeverReusesToken: many calls with an expired token race;
// round after round, exactly one refresh runs per expiry and the session is
// never revoked.
func TestRefreshRaceNeverReusesToken(t *testing.T) {
	rs := &rotatingServer{access: "a0", refresh: "r0", spent: map[string]bool{}}
	srv := newServer(t, rs)
	c := newTestClient(t, srv, Config{Tokens: Tokens{Access: "expired", Refresh: "r0"}})
	for round := range 5 {
		rs.mu.Lock()
		rs.access = "expired-" + string(rune('a'+round)) // the server lets the access token lapse
		rs.mu.Unlock()
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := c.Sessions(context.Background()); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("round %d: Sessions() = %v", round, err)
		}
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.revoked || rs.n != 5 {
		t.Errorf("revoked = %v after %d refreshes, want never revoked after 5", rs.revoked, rs.n)
	}
}

// TestTokenExpiredInFlightIsNotSessionEnd: the access token a refresh just
// gave expires before the retried call reaches the server (a one-second
// lifetime). The call refreshes again and succeeds; the session is alive.
func TestTokenExpiredInFlightIsNotSessionEnd(t *testing.T) {
	rs := &rotatingServer{access: "a0", refresh: "r0", spent: map[string]bool{}}
	expireNext := true
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/auth/refresh" {
			rs.mu.Lock()
			if expireNext && r.Header.Get("Authorization") == "Bearer a1" {
				expireNext = false
				rs.access = "lapsed" // a1 expired on its way
			}
			rs.mu.Unlock()
		}
		rs.ServeHTTP(w, r)
	}))
	c := newTestClient(t, srv, Config{Tokens: Tokens{Access: "expired", Refresh: "r0"}})
	if _, err := c.Sessions(context.Background()); err != nil {
		t.Fatalf("Sessions() = %v, want success after a second refresh", err)
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.n != 2 || rs.revoked {
		t.Errorf("refreshes = %d, revoked = %v; want 2, not revoked", rs.n, rs.revoked)
	}
}

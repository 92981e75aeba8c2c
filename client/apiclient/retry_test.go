package apiclient

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cipherleaf.dev/shared/protocol"
)

// script answers the i-th request with steps[i] (the last step repeats) and
// records every request body.
type script struct {
	steps  []func(w http.ResponseWriter)
	hits   atomic.Int32
	bodies chan string
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	select {
	case s.bodies <- string(b):
	default:
	}
	i := int(s.hits.Add(1)) - 1
	s.steps[min(i, len(s.steps)-1)](w)
}

func status(code int, body string, hdr ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		writeJSON(w, code, body)
	}
}

const okWrite = `{"rev":2,"seq":7}`

func TestRetries(t *testing.T) {
	id := "0e3f2a1b-0000-4000-8000-000000000001"
	tests := []struct {
		name     string
		steps    []func(http.ResponseWriter)
		login    bool // use Login (not idempotent) instead of PutNote
		wantHits int32
		wantErr  func(error) bool
		minWait  time.Duration
	}{
		{"503 then ok", []func(http.ResponseWriter){status(503, `{}`), status(200, okWrite)}, false, 2, nil, 0},
		{"500 twice then ok", []func(http.ResponseWriter){status(500, `{}`), status(502, `<html>`), status(200, okWrite)}, false, 3, nil, 0},
		{"429 with Retry-After", []func(http.ResponseWriter){
			status(429, `{"error":"slow down","code":"rate_limited"}`, "Retry-After", "5"), status(200, okWrite)},
			false, 2, nil, 50 * time.Millisecond}, // 5 "seconds" of 10 ms each
		{"5xx forever", []func(http.ResponseWriter){status(500, `{"error":"boom","code":"internal"}`)}, false, 4,
			func(err error) bool {
				var ae *protocol.APIError
				return errors.As(err, &ae) && ae.Status == 500 && ae.Code == protocol.CodeInternal
			}, 0},
		{"4xx not retried", []func(http.ResponseWriter){status(400, `{"error":"bad","code":"bad_request"}`)}, false, 1,
			func(err error) bool {
				var ae *protocol.APIError
				return errors.As(err, &ae) && ae.Code == protocol.CodeBadRequest
			}, 0},
		{"login: 500 not retried", []func(http.ResponseWriter){status(500, `{"error":"boom","code":"internal"}`)}, true, 1,
			func(err error) bool {
				var ae *protocol.APIError
				return errors.As(err, &ae) && ae.Status == 500
			}, 0},
		{"login: 503 retried", []func(http.ResponseWriter){status(503, `{}`), status(200, `{"access_token":"a","refresh_token":"r"}`)}, true, 2, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{steps: tt.steps, bodies: make(chan string, 8)}
			srv := newServer(t, s)
			c := newTestClient(t, srv, Config{Tokens: Tokens{Access: "a", Refresh: "r"}})
			start := time.Now()
			var err error
			if tt.login {
				_, err = c.Login(context.Background(), protocol.LoginRequest{Username: "ann"})
			} else {
				var wr *protocol.WriteResponse
				wr, err = c.PutNote(context.Background(), id, protocol.PutNoteRequest{BaseRev: 1, Blob: []byte("blob")})
				if err == nil && (wr.Rev != 2 || wr.Seq != 7) {
					t.Errorf("PutNote() = %+v, want rev 2 seq 7", wr)
				}
			}
			elapsed := time.Since(start)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("err = %v, want nil", err)
			}
			if tt.wantErr != nil && !tt.wantErr(err) {
				t.Fatalf("err = %v, not the wanted kind", err)
			}
			if got := s.hits.Load(); got != tt.wantHits {
				t.Errorf("server hits = %d, want %d", got, tt.wantHits)
			}
			if elapsed < tt.minWait {
				t.Errorf("took %v, want at least %v (Retry-After ignored)", elapsed, tt.minWait)
			}
			first := <-s.bodies
			if want := `"username":"ann"`; tt.login && !strings.Contains(first, want) {
				t.Errorf("first body = %q, want it to carry %s", first, want)
			}
			if want := `"blob":"YmxvYg=="`; !tt.login && !strings.Contains(first, want) {
				t.Errorf("first body = %q, want it to carry %s", first, want)
			}
			for range tt.wantHits - 1 {
				if b := <-s.bodies; b != first {
					t.Errorf("retried body = %q, want the first one %q", b, first)
				}
			}
		})
	}
}

func TestRetryAfterParsing(t *testing.T) {
	c := &Client{opts: testOptions()}
	c.opts.retryMaxWait = 200 * time.Millisecond
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"-3", 0},
		{"junk", 0},
		{"2", 20 * time.Millisecond},
		{"100000", 200 * time.Millisecond}, // capped
		{time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		resp := newRestyResponse(http.Header{"Retry-After": {tt.header}})
		if got, err := c.retryAfter(nil, resp); err != nil || got != tt.want {
			t.Errorf("retryAfter(%q) = %v, %v; want %v", tt.header, got, err, tt.want)
		}
	}
}

func TestUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := newClient(Config{BaseURL: "https://" + addr, Pin: "sha256:" + string(make64('0'))}, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Health(context.Background())
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Health(closed port) err = %v, want ErrUnreachable", err)
	}
	var op *net.OpError
	if !errors.As(err, &op) {
		t.Errorf("Health(closed port) err = %v, want the cause wrapped", err)
	}
}

func TestCanceledContextIsNotUnreachable(t *testing.T) {
	srv := newServer(t, &script{steps: []func(http.ResponseWriter){status(503, `{}`)}})
	c := newTestClient(t, srv, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Health(ctx); !errors.Is(err, context.Canceled) || errors.Is(err, ErrUnreachable) {
		t.Fatalf("Health(canceled) err = %v, want context.Canceled", err)
	}
}

func make64(b byte) []byte {
	out := make([]byte, 64)
	for i := range out {
		out[i] = b
	}
	return out
}

// hangUp closes the connection without an answer (a network failure).
func hangUp(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func TestRetryAfterInErrors(t *testing.T) {
	id := "0e3f2a1b-0000-4000-8000-000000000001"
	inTwoMinutes := time.Now().Add(2 * time.Minute).UTC().Format(http.TimeFormat)
	slow := `{"error":"slow down","code":"rate_limited"}`
	tests := []struct {
		name        string
		steps       []func(http.ResponseWriter)
		wantMin     time.Duration
		wantMax     time.Duration
		unreachable bool
	}{
		{"429 in seconds", []func(http.ResponseWriter){status(429, slow, "Retry-After", "7")}, 7 * time.Second, 7 * time.Second, false},
		{"429 as a date", []func(http.ResponseWriter){status(429, slow, "Retry-After", inTwoMinutes)}, 100 * time.Second, 2 * time.Minute, false},
		{"429 without Retry-After", []func(http.ResponseWriter){status(429, slow)}, 0, 0, false},
		{"429 with a huge Retry-After", []func(http.ResponseWriter){status(429, slow, "Retry-After", "99999999")}, time.Hour, time.Hour, false},
		{"503 with Retry-After is no rate limit", []func(http.ResponseWriter){status(503, `{"error":"busy","code":"internal"}`, "Retry-After", "7")}, 0, 0, false},
		{"429 then the network fails", []func(http.ResponseWriter){status(429, slow, "Retry-After", "7"), hangUp}, 7 * time.Second, 7 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{steps: tt.steps, bodies: make(chan string, 8)}
			c := newTestClient(t, newServer(t, s), Config{Tokens: Tokens{Access: "a", Refresh: "r"}})
			_, err := c.PutNote(context.Background(), id, protocol.PutNoteRequest{BaseRev: 1, Blob: []byte("blob")})
			if err == nil {
				t.Fatal("PutNote() err = nil, want a failure")
			}
			if got := s.hits.Load(); got != 1+DefaultRetries {
				t.Errorf("server hits = %d, want %d (retries exhausted)", got, 1+DefaultRetries)
			}
			if tt.unreachable != errors.Is(err, ErrUnreachable) {
				t.Errorf("PutNote() err = %v, want ErrUnreachable: %v", err, tt.unreachable)
			}
			var ae *protocol.APIError
			if !tt.unreachable && !errors.As(err, &ae) {
				t.Fatalf("PutNote() err = %v, want *protocol.APIError", err)
			}
			var ra interface{ RetryAfter() time.Duration }
			if !errors.As(err, &ra) {
				if tt.wantMax > 0 {
					t.Fatalf("PutNote() err = %v has no RetryAfter", err)
				}
				return
			}
			if got := ra.RetryAfter(); got < tt.wantMin || got > tt.wantMax {
				t.Errorf("RetryAfter() = %v, want %v to %v", got, tt.wantMin, tt.wantMax)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"junk", 0},
		{"-5", 0},
		{"0", 0},
		{"1", time.Second},
		{"120", 2 * time.Minute},
		{"3601", time.Hour},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{now.Add(48 * time.Hour).Format(http.TimeFormat), time.Hour},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.header, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

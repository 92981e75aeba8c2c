package httpapi

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"cipherleaf.dev/shared/protocol"
)

// sseEvent is one event of a stream; ping for a comment-only one.
type sseEvent struct {
	id, event, data string
	ping            bool
}

// openStream opens GET /events and returns its events as they arrive;
// the channel closes when the stream ends.
func openStream(t *testing.T, base, token, lastID string) (*http.Response, <-chan sseEvent) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	ch := make(chan sseEvent, 16)
	go func() {
		defer close(ch)
		r := bufio.NewReader(resp.Body)
		var ev sseEvent
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "":
				if ev != (sseEvent{}) {
					ch <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, ":"):
				ev.ping = true
			case strings.HasPrefix(line, "id: "):
				ev.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.event = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[6:]
			}
		}
	}()
	return resp, ch
}

// nextPoke returns the next poke, skipping heartbeats; fails after 5 s.
func nextPoke(t *testing.T, ch <-chan sseEvent) sseEvent {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatal("stream ended, want a poke")
			}
			if ev.event == "poke" {
				return ev
			}
		case <-deadline:
			t.Fatal("no poke within 5 s")
		}
	}
}

// nextPing waits for a heartbeat and fails on a poke.
func nextPing(t *testing.T, ch <-chan sseEvent) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatal("stream ended, want a heartbeat")
			}
			if ev.event == "poke" {
				t.Fatalf("unexpected poke %+v", ev)
			}
			if ev.ping {
				return
			}
		case <-deadline:
			t.Fatal("no heartbeat within 5 s")
		}
	}
}

func TestEvents(t *testing.T) {
	en := newEnv(t, func(c *Config) { c.EventsHeartbeat = 20 * time.Millisecond })
	srv := httptest.NewServer(en.e)
	t.Cleanup(srv.Close) // after the streams' cleanups: Close waits for open requests
	alice := en.register("alice")
	bob := en.register("bob")

	resp, ch := openStream(t, srv.URL, alice.AccessToken, "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" ||
		resp.Header.Get("Cache-Control") != "no-cache, no-transform" || resp.Header.Get("X-Accel-Buffering") != "no" {
		t.Fatalf("GET /events = %d %v", resp.StatusCode, resp.Header)
	}
	nextPing(t, ch) // nothing written yet: no poke

	if r := en.do("PUT", "/api/v1/notes/"+noteID(1), alice.AccessToken, protocol.PutNoteRequest{Blob: []byte("a")}); r.status != 200 {
		t.Fatalf("put = %d %s", r.status, r.body)
	}
	if ev := nextPoke(t, ch); ev.id != "1" || ev.data != `{"seq":1}` {
		t.Errorf("poke after a put = %+v, want id 1", ev)
	}
	if r := en.do("PUT", "/api/v1/notes/"+noteID(1), bob.AccessToken, protocol.PutNoteRequest{Blob: []byte("b")}); r.status != 200 {
		t.Fatal(r.status)
	}
	nextPing(t, ch) // another account's write: no poke
	batch := protocol.BatchRequest{Ops: []protocol.BatchOp{{Op: protocol.OpPut, ID: noteID(2), Blob: []byte("x")}, {Op: protocol.OpDelete, ID: noteID(1), BaseRev: 1}}}
	if r := en.do("POST", "/api/v1/notes/batch", alice.AccessToken, batch); r.status != 200 {
		t.Fatalf("batch = %d %s", r.status, r.body)
	}
	if ev := nextPoke(t, ch); ev.id != "3" {
		t.Errorf("poke after a batch = %+v, want id 3 (its last sequence)", ev)
	}

	t.Run("resume", func(t *testing.T) {
		_, behind := openStream(t, srv.URL, alice.AccessToken, "1")
		if ev := nextPoke(t, behind); ev.id != "3" {
			t.Errorf("resumed from 1: %+v, want an immediate poke 3", ev)
		}
		_, current := openStream(t, srv.URL, alice.AccessToken, "3")
		nextPing(t, current)
	})
	t.Run("bad Last-Event-ID", func(t *testing.T) {
		resp, _ := openStream(t, srv.URL, alice.AccessToken, "x")
		if resp.StatusCode != 400 {
			t.Errorf("Last-Event-ID x = %d, want 400", resp.StatusCode)
		}
	})
	t.Run("no token", func(t *testing.T) {
		resp, _ := openStream(t, srv.URL, "", "")
		if resp.StatusCode != 401 {
			t.Errorf("GET /events without a token = %d, want 401", resp.StatusCode)
		}
	})
	t.Run("revoked session ends the stream", func(t *testing.T) {
		if r := en.do("POST", "/api/v1/auth/logout", alice.AccessToken, nil); r.status/100 != 2 {
			t.Fatalf("logout = %d %s", r.status, r.body)
		}
		deadline := time.After(5 * time.Second)
		for {
			select {
			case _, ok := <-ch:
				if !ok {
					return
				}
			case <-deadline:
				t.Fatal("the stream of a revoked session is still open after 5 s")
			}
		}
	})
}

// TestEventsOutliveTimeouts: a stream lives past the server's read and
// write timeouts (which would otherwise cancel or cut it).
func TestEventsOutliveTimeouts(t *testing.T) {
	en := newEnv(t, func(c *Config) { c.EventsHeartbeat = 20 * time.Millisecond })
	srv := httptest.NewUnstartedServer(en.e)
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = 100*time.Millisecond, 100*time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close) // after the stream's cleanup: Close waits for open requests
	alice := en.register("alice")
	_, ch := openStream(t, srv.URL, alice.AccessToken, "")
	deadline := time.After(10 * time.Second)
	start := time.Now()
	for time.Since(start) < 500*time.Millisecond { // 5 read and write timeouts
		nextPing(t, ch)
		select {
		case <-deadline:
			t.Fatal("too slow")
		default:
		}
	}
	if r := en.do("PUT", "/api/v1/notes/"+noteID(1), alice.AccessToken, protocol.PutNoteRequest{Blob: []byte("a")}); r.status != 200 {
		t.Fatal(r.status)
	}
	if ev := nextPoke(t, ch); ev.id != "1" {
		t.Errorf("poke after the timeouts passed = %+v", ev)
	}
}

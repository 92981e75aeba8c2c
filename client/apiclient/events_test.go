package apiclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"cipherleaf.dev/shared/protocol"
)

// sseCases are the decoder's unit cases; FuzzSSEDecoder starts from them.
var sseCases = []struct {
	name string
	in   string
	want []sseEvent
	err  error // after the events; nil = io.EOF
}{
	{"poke", "retry: 3000\n\nid: 7\nevent: poke\ndata: {\"seq\":7}\n\n",
		[]sseEvent{{ID: "7", Type: "poke", Data: []byte(`{"seq":7}`), Retry: 3 * time.Second}}, nil},
	{"heartbeats only", ": ping\n\n: ping\n\n", nil, nil},
	{"crlf and cr", "id: 1\r\nevent: poke\r\ndata: {\"seq\":1}\r\n\r\nid: 2\revent: poke\rdata: {\"seq\":2}\r\r",
		[]sseEvent{{ID: "1", Type: "poke", Data: []byte(`{"seq":1}`)}, {ID: "2", Type: "poke", Data: []byte(`{"seq":2}`)}}, nil},
	{"multi data, no space, default type", "data:a\ndata: b\n\n",
		[]sseEvent{{Type: "message", Data: []byte("a\nb")}}, nil},
	{"id persists, event resets", "id: 5\nevent: poke\ndata: x\n\nevent: other\n\ndata: y\n\n",
		[]sseEvent{{ID: "5", Type: "poke", Data: []byte("x")}, {ID: "5", Type: "message", Data: []byte("y")}}, nil},
	{"unknown field and bad retry ignored", "foo: bar\nretry: 12a\nretry: -1\ndata\n\n",
		[]sseEvent{{Type: "message", Data: []byte{}}}, nil},
	{"id with NUL ignored", "id: 3\ndata: a\n\nid: 4\x00\ndata: b\n\n",
		[]sseEvent{{ID: "3", Type: "message", Data: []byte("a")}, {ID: "3", Type: "message", Data: []byte("b")}}, nil},
	{"undispatched event dropped", "data: a\n", nil, nil},
	{"unterminated line", "data: a", nil, io.ErrUnexpectedEOF},
	{"overlong line", "data: " + strings.Repeat("x", maxEventLine) + "\n\n", nil, ErrBadResponse},
	{"overlong data", strings.Repeat("data: "+strings.Repeat("y", 1000)+"\n", 20) + "\n", nil, ErrBadResponse},
}

// decodeAll returns every event of in and the error that ended it.
func decodeAll(in []byte) ([]sseEvent, error) {
	d := newSSEDecoder(strings.NewReader(string(in)))
	var out []sseEvent
	for {
		ev, err := d.Next()
		if err != nil {
			return out, err
		}
		out = append(out, ev)
	}
}

func TestSSEDecoder(t *testing.T) {
	for _, tc := range sseCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeAll([]byte(tc.in))
			want := tc.err
			if want == nil {
				want = io.EOF
			}
			if !errors.Is(err, want) {
				t.Fatalf("err = %v, want %v", err, want)
			}
			for i := range got {
				if got[i].Data == nil {
					got[i].Data = []byte{}
				}
			}
			for i := range tc.want {
				if tc.want[i].Data == nil {
					tc.want[i].Data = []byte{}
				}
			}
			if len(got) != len(tc.want) || (len(got) > 0 && !reflect.DeepEqual(got, tc.want)) {
				t.Fatalf("events = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestDecodePoke(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{`{"seq":42}`, 42, true}, {`{"seq":0}`, 0, true}, {`{}`, 0, false},
		{`{"seq":-1}`, 0, false}, {`{"seq":"1"}`, 0, false}, {``, 0, false}, {`nope`, 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := decodePoke([]byte(tc.in))
			if tc.ok != (err == nil) || got != tc.want {
				t.Fatalf("decodePoke(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrBadResponse) {
				t.Fatalf("err = %v, want ErrBadResponse", err)
			}
		})
	}
}

// encodeSSE writes events back in canonical form.
func encodeSSE(evs []sseEvent) []byte {
	var b strings.Builder
	for _, ev := range evs {
		if ev.Retry > 0 {
			fmt.Fprintf(&b, "retry: %d\n", ev.Retry/time.Millisecond)
		}
		fmt.Fprintf(&b, "id: %s\nevent: %s\n", ev.ID, ev.Type)
		for _, l := range strings.Split(string(ev.Data), "\n") {
			fmt.Fprintf(&b, "data: %s\n", l)
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}

// FuzzSSEDecoder: no input panics; errors are EOF, unexpected EOF or
// ErrBadResponse; what decodes, re-encoded canonically, decodes the same;
// and pokes decode or say ErrBadResponse.
func FuzzSSEDecoder(f *testing.F) {
	for _, tc := range sseCases {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		evs, err := decodeAll(in)
		if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, ErrBadResponse) {
			t.Fatalf("err = %v", err)
		}
		for _, ev := range evs {
			if len(ev.Data) > maxEventData || ev.Type == "" {
				t.Fatalf("event %+v breaks the limits", ev)
			}
			if ev.Type == "poke" {
				if _, err := decodePoke(ev.Data); err != nil && !errors.Is(err, ErrBadResponse) {
					t.Fatalf("decodePoke err = %v", err)
				}
			}
		}
		// Re-encoding is canonical only for events whose fields hold no line breaks.
		for _, ev := range evs {
			if strings.ContainsAny(ev.ID+ev.Type, "\r\n") || strings.Contains(string(ev.Data), "\r") ||
				strings.HasPrefix(ev.ID, " ") || strings.HasPrefix(ev.Type, " ") || ev.ID == "" {
				return
			}
			for _, l := range strings.Split(string(ev.Data), "\n") {
				if strings.HasPrefix(l, " ") {
					return
				}
			}
		}
		again, err := decodeAll(encodeSSE(evs))
		if !errors.Is(err, io.EOF) {
			t.Fatalf("re-decode err = %v", err)
		}
		if len(again) != len(evs) {
			t.Fatalf("round trip: %d events, want %d", len(again), len(evs))
		}
		for i := range evs {
			a, b := evs[i], again[i]
			if a.ID != b.ID || a.Type != b.Type || string(a.Data) != string(b.Data) {
				t.Fatalf("round trip: %+v, want %+v", b, a)
			}
		}
	})
}

// streamServer serves /events: it records each request's Last-Event-ID,
// answers 401 to tokens other than "new" (refreshing "r1" to "new"), and
// writes what the test sends on lines, closing the stream when lines closes.
type streamServer struct {
	mu      sync.Mutex
	lastIDs []string
	conns   chan chan string // one per accepted stream: the test writes lines into it
}

func (s *streamServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/api/v1/auth/refresh" {
		writeJSON(w, 200, `{"access_token":"new","refresh_token":"r2","expires_in":600,"user_id":"u1","session_id":"s1"}`)
		return
	}
	if r.URL.Path != "/api/v1/events" {
		writeJSON(w, 404, `{"error":"no","code":"not_found"}`)
		return
	}
	if r.Header.Get("Authorization") != "Bearer new" {
		writeJSON(w, 401, `{"error":"expired","code":"unauthorized"}`)
		return
	}
	s.mu.Lock()
	s.lastIDs = append(s.lastIDs, r.Header.Get("Last-Event-ID"))
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(200)
	w.(http.Flusher).Flush()
	lines := make(chan string)
	select {
	case s.conns <- lines:
	case <-r.Context().Done():
		return
	}
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				return
			}
			_, _ = io.WriteString(w, l)
			w.(http.Flusher).Flush()
		case <-r.Context().Done():
			return
		}
	}
}

func (s *streamServer) ids() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.lastIDs...)
}

func recvConn(t *testing.T, s *streamServer) chan string {
	t.Helper()
	select {
	case c := <-s.conns:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("no stream connection")
		return nil
	}
}

func recvPoke(t *testing.T, pokes chan Poke) Poke {
	t.Helper()
	select {
	case p := <-pokes:
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("no poke")
		return Poke{}
	}
}

// TestWatch: a 401 refreshes the tokens, pokes arrive in order, a stream
// closed by the server and a stalled one (no heartbeat within Idle) are
// both reopened with Last-Event-ID, and cancelling ctx ends Watch.
func TestWatch(t *testing.T) {
	s := &streamServer{conns: make(chan chan string)}
	srv := newServer(t, s)
	c := newTestClient(t, srv, Config{Tokens: Tokens{Access: "old", Refresh: "r1"}})
	ctx, cancel := context.WithCancel(context.Background())
	pokes := make(chan Poke, 10)
	states := make(chan bool, 10)
	done := make(chan error, 1)
	go func() {
		done <- c.Watch(ctx, StreamConfig{LastSeq: 3, Idle: time.Second, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
			OnState: func(up bool) { states <- up }}, func(p Poke) { pokes <- p })
	}()

	lines := recvConn(t, s)
	lines <- "retry: 3000\n\nid: 4\nevent: poke\ndata: {\"seq\":4}\n\n"
	if p := recvPoke(t, pokes); p.Seq != 4 {
		t.Fatalf("poke = %d, want 4", p.Seq)
	}
	lines <- ": ping\n\nid: 9\nevent: poke\ndata: {\"seq\":9}\n\n"
	if p := recvPoke(t, pokes); p.Seq != 9 {
		t.Fatalf("poke = %d, want 9", p.Seq)
	}
	close(lines) // the server ends the stream

	lines = recvConn(t, s) // reopened; now let it stall: no byte within Idle
	lines2 := recvConn(t, s)
	lines2 <- "id: 10\nevent: poke\ndata: {\"seq\":10}\n\n"
	if p := recvPoke(t, pokes); p.Seq != 10 {
		t.Fatalf("poke = %d, want 10", p.Seq)
	}
	_ = lines
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Watch() = %v, want context.Canceled", err)
	}
	if got, want := s.ids(), []string{"3", "9", "9"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Last-Event-IDs = %q, want %q", got, want)
	}
	ups := 0
	for len(states) > 0 {
		if <-states {
			ups++
		}
	}
	if ups != 3 {
		t.Errorf("stream went up %d times, want 3", ups)
	}
}

// TestWatchStopsOnRefusedSession: a session the server refuses ends Watch.
func TestWatchStopsOnRefusedSession(t *testing.T) {
	srv := newServer(t, &authServer{refuseRefresh: true})
	c := newTestClient(t, srv, Config{Tokens: Tokens{Access: "old", Refresh: "r1"}})
	err := c.Watch(context.Background(), StreamConfig{MinBackoff: time.Millisecond}, nil)
	if !errors.Is(err, ErrSessionExpired) {
		t.Fatalf("Watch() = %v, want ErrSessionExpired", err)
	}
}

// TestEventsErrors: a non-200 answer is an APIError (429 with its wait),
// and a poke with a bad body ends the stream with ErrBadResponse.
func TestEventsErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		serve func(w http.ResponseWriter)
		check func(t *testing.T, err error)
	}{
		{"429", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "60")
			writeJSON(w, 429, `{"error":"too many","code":"rate_limited"}`)
		}, func(t *testing.T, err error) {
			var ae *protocol.APIError
			if !errors.As(err, &ae) || ae.Status != 429 || ae.Wait != time.Minute {
				t.Fatalf("err = %v, want 429 with a 60 s wait", err)
			}
		}},
		{"bad poke", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/event-stream")
			_, _ = io.WriteString(w, "id: 1\nevent: poke\ndata: {\"seq\":\"x\"}\n\n")
		}, func(t *testing.T, err error) {
			if !errors.Is(err, ErrBadResponse) {
				t.Fatalf("err = %v, want ErrBadResponse", err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tc.serve(w) }))
			c := newTestClient(t, srv, Config{Tokens: Tokens{Access: "a", Refresh: "r"}})
			_, err := c.Events(context.Background(), 0, time.Minute, nil, nil)
			tc.check(t, err)
		})
	}
}

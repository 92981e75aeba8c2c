package apiclient

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"cipherleaf.dev/shared/protocol"
)

// Limits of the event stream (SPEC §7.10).
const (
	// Heartbeat is the server's idle heartbeat interval.
	Heartbeat = 25 * time.Second

	// maxEventLine caps one line of the stream, so a hostile server cannot
	// make the client buffer without end. A poke line is a few dozen bytes.
	maxEventLine = 4 << 10
	// maxEventData caps the data of one event (its lines together).
	maxEventData = 16 << 10
)

// ErrStreamStalled reports an event stream on which nothing, not even a
// heartbeat, arrived within the read deadline.
var ErrStreamStalled = errors.New("event stream stalled")

// sseEvent is one dispatched server-sent event.
type sseEvent struct {
	ID    string // the last event id, as the stream set it ("" = none)
	Type  string // "message" when the stream named none
	Data  []byte // data lines joined by "\n"
	Retry time.Duration
}

// sseDecoder reads the text/event-stream format (the WHATWG HTML
// "server-sent events" parsing rules): lines end with CRLF, LF or CR; a
// line starting with ':' is a comment; "field: value" lines accumulate; a
// blank line dispatches. A line over maxEventLine or data over
// maxEventData is ErrBadResponse.
type sseDecoder struct {
	r      *bufio.Reader
	lastID string
	retry  time.Duration
	line   []byte
}

func newSSEDecoder(r io.Reader) *sseDecoder {
	return &sseDecoder{r: bufio.NewReaderSize(r, maxEventLine)}
}

// readLine returns the next line without its terminator.
func (d *sseDecoder) readLine() ([]byte, error) {
	d.line = d.line[:0]
	for {
		b, err := d.r.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) && len(d.line) > 0 {
				// An unterminated last line is discarded (no dispatch without a blank line).
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		switch b {
		case '\n':
			return d.line, nil
		case '\r':
			if nb, err := d.r.Peek(1); err == nil && nb[0] == '\n' {
				_, _ = d.r.ReadByte()
			}
			return d.line, nil
		}
		if len(d.line) >= maxEventLine {
			return nil, fmt.Errorf("%w: event line longer than %d bytes", ErrBadResponse, maxEventLine)
		}
		d.line = append(d.line, b)
	}
}

// Next returns the next dispatched event. Comments (heartbeats) and blank
// lines that dispatch nothing are skipped.
func (d *sseDecoder) Next() (sseEvent, error) {
	var (
		typ     string
		data    []byte
		hasData bool
	)
	for {
		line, err := d.readLine()
		if err != nil {
			return sseEvent{}, err
		}
		if len(line) == 0 {
			if !hasData {
				typ = ""
				continue
			}
			if typ == "" {
				typ = "message"
			}
			return sseEvent{ID: d.lastID, Type: typ, Data: data, Retry: d.retry}, nil
		}
		if line[0] == ':' {
			continue
		}
		field, value, found := bytes.Cut(line, []byte{':'})
		if found && len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
		switch string(field) {
		case "event":
			typ = string(value)
		case "data":
			if hasData {
				data = append(data, '\n')
			}
			data = append(data, value...)
			hasData = true
			if len(data) > maxEventData {
				return sseEvent{}, fmt.Errorf("%w: event data longer than %d bytes", ErrBadResponse, maxEventData)
			}
		case "id":
			if bytes.IndexByte(value, 0) < 0 {
				d.lastID = string(value)
			}
		case "retry":
			if n, err := strconv.ParseUint(string(value), 10, 31); err == nil && isDigits(value) {
				d.retry = time.Duration(n) * time.Millisecond
			}
		}
	}
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// decodePoke reads the data of a poke event: {"seq":N}.
func decodePoke(data []byte) (uint64, error) {
	var p struct {
		Seq *uint64 `json:"seq"`
	}
	if err := decodeJSON(data, &p); err != nil {
		return 0, err
	}
	if p.Seq == nil {
		return 0, fmt.Errorf("%w: poke without seq", ErrBadResponse)
	}
	return *p.Seq, nil
}

// Poke is what the event stream tells: the account's sequence number grew
// to Seq (SPEC §7.10).
type Poke struct{ Seq uint64 }

// StreamConfig tunes Watch. Zero fields take the defaults.
type StreamConfig struct {
	// LastSeq is sent as Last-Event-ID on the first connection (0 = none).
	LastSeq uint64
	// Idle is the read deadline: a stream on which nothing arrives for
	// that long is dropped and reopened. Default: 2×Heartbeat + 10 s.
	Idle time.Duration
	// MinBackoff and MaxBackoff bound the wait before a reconnection
	// (doubling, with jitter). Defaults: 500 ms and 30 s.
	MinBackoff, MaxBackoff time.Duration
	// OnState is told when the stream goes up (true: the server answered
	// 200) and down (false). It must not block.
	OnState func(up bool)
}

// Events opens the account's event stream once (GET /events) and calls
// onPoke for each poke, in order, until the stream ends, stalls for idle,
// or ctx ends. lastSeq, when not 0, is sent as Last-Event-ID. connected is
// called once the server answered 200. The request is authenticated like
// every call (a 401 refreshes the tokens and tries again); it has no
// overall timeout, only the idle read deadline. It returns the last
// event id it saw with the error that ended it.
func (c *Client) Events(ctx context.Context, lastSeq uint64, idle time.Duration, connected func(), onPoke func(Poke)) (uint64, error) {
	if idle <= 0 {
		idle = 2*Heartbeat + 10*time.Second
	}
	access, gen := c.tokens.snapshot()
	if access == "" {
		if err := c.refresh(ctx, gen); err != nil {
			return lastSeq, err
		}
		access, gen = c.tokens.snapshot()
	}
	for attempt := 1; ; attempt++ {
		resp, cancel, err := c.openEvents(ctx, access, lastSeq, idle)
		if err != nil {
			return lastSeq, err
		}
		if resp.StatusCode == http.StatusUnauthorized {
			cancel.stop()
			if attempt == authAttempts {
				return lastSeq, ErrSessionExpired
			}
			if err := c.refresh(ctx, gen); err != nil {
				return lastSeq, err
			}
			access, gen = c.tokens.snapshot()
			continue
		}
		defer cancel.stop()
		if resp.StatusCode != http.StatusOK {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
			err := apiError(resp.StatusCode, body)
			if ae, ok := err.(*protocol.APIError); ok && resp.StatusCode == http.StatusTooManyRequests {
				ae.Wait = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
			}
			return lastSeq, err
		}
		if connected != nil {
			connected()
		}
		return c.readEvents(ctx, cancel, lastSeq, onPoke)
	}
}

// watchdog cancels a stream's request when idle passes without a byte.
type watchdog struct {
	once    sync.Once
	cancel  context.CancelFunc
	timer   *time.Timer
	idle    time.Duration
	stalled chan struct{} // closed (once, by fire) when the deadline passed
	fired   sync.Once
	body    io.ReadCloser
}

func (w *watchdog) fire() {
	w.fired.Do(func() { close(w.stalled) })
	w.cancel()
}

func (w *watchdog) stop() {
	w.once.Do(func() {
		w.timer.Stop()
		w.cancel()
		if w.body != nil {
			_ = w.body.Close()
		}
	})
}

// Read passes reads through and pushes the deadline back on every byte.
func (w *watchdog) Read(p []byte) (int, error) {
	n, err := w.body.Read(p)
	if n > 0 {
		w.timer.Reset(w.idle)
	}
	return n, err
}

// openEvents sends GET /events with the access token.
func (c *Client) openEvents(ctx context.Context, access string, lastSeq uint64, idle time.Duration) (*http.Response, *watchdog, error) {
	rctx, cancel := context.WithCancel(ctx)
	w := &watchdog{cancel: cancel, idle: idle, stalled: make(chan struct{})}
	w.timer = time.AfterFunc(idle, w.fire)
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, c.base+protocol.PathPrefix+"/events", nil)
	if err != nil {
		w.stop()
		return nil, nil, fmt.Errorf("open event stream: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+access)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Cache-Control", "no-cache")
	req.Header.Set("User-Agent", userAgent)
	if lastSeq > 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatUint(lastSeq, 10))
	}
	resp, err := c.streamHTTP().Do(req)
	if err != nil {
		w.stop()
		select {
		case <-w.stalled:
			return nil, nil, fmt.Errorf("open event stream: %w", ErrStreamStalled)
		default:
		}
		return nil, nil, c.transportError(ctx, err)
	}
	w.body = resp.Body
	return resp, w, nil
}

// streamHTTP is an http.Client on the API client's transport (same TLS
// pin) without an overall timeout: the stream stays open for hours.
func (c *Client) streamHTTP() *http.Client {
	hc := c.http.GetClient()
	return &http.Client{
		Transport:     hc.Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// readEvents decodes the stream and hands pokes to onPoke.
func (c *Client) readEvents(ctx context.Context, w *watchdog, lastSeq uint64, onPoke func(Poke)) (uint64, error) {
	d := newSSEDecoder(w)
	for {
		ev, err := d.Next()
		if err != nil {
			select {
			case <-w.stalled:
				return lastSeq, fmt.Errorf("read event stream: %w", ErrStreamStalled)
			default:
			}
			if ctx.Err() != nil {
				return lastSeq, ctx.Err()
			}
			if errors.Is(err, ErrBadResponse) {
				return lastSeq, fmt.Errorf("read event stream: %w", err)
			}
			if errors.Is(err, io.EOF) {
				return lastSeq, fmt.Errorf("read event stream: %w: closed by the server", ErrUnreachable)
			}
			return lastSeq, fmt.Errorf("read event stream: %w: %w", ErrUnreachable, err)
		}
		if ev.Type != "poke" {
			continue
		}
		seq, err := decodePoke(ev.Data)
		if err != nil {
			return lastSeq, fmt.Errorf("read event stream: %w", err)
		}
		if id, err := strconv.ParseUint(ev.ID, 10, 63); err == nil {
			lastSeq = id
		}
		lastSeq = max(lastSeq, seq)
		if onPoke != nil {
			onPoke(Poke{Seq: seq})
		}
	}
}

// Watch keeps the event stream open until ctx ends, reconnecting with
// backoff (and Last-Event-ID) when it fails or stalls, and calls onPoke
// for each poke. It returns ctx's error, or ErrSessionExpired,
// ErrPinMismatch or ErrUntrustedCert, which no reconnection cures.
func (c *Client) Watch(ctx context.Context, cfg StreamConfig, onPoke func(Poke)) error {
	minB, maxB := cfg.MinBackoff, cfg.MaxBackoff
	if minB <= 0 {
		minB = 500 * time.Millisecond
	}
	if maxB <= 0 {
		maxB = 30 * time.Second
	}
	state := func(up bool) {
		if cfg.OnState != nil {
			cfg.OnState(up)
		}
	}
	last, backoff := cfg.LastSeq, minB
	for {
		up := false
		seq, err := c.Events(ctx, last, cfg.Idle, func() { up = true; backoff = minB; state(true) }, onPoke)
		last = seq
		if up {
			state(false)
		}
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, ErrSessionExpired), errors.Is(err, ErrPinMismatch), errors.Is(err, ErrUntrustedCert):
			return err
		}
		wait := backoff/2 + rand.N(backoff/2+1)
		var ae *protocol.APIError
		if errors.As(err, &ae) && ae.Wait > 0 {
			wait = max(wait, min(ae.Wait, maxB))
		}
		backoff = min(2*backoff, maxB)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

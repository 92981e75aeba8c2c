package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/events"
)

// Pusher carries pokes to the event streams (SPEC §7.10): events.Hub in
// one process, store/postgres's relay across replicas.
type Pusher interface {
	Publish(userID int64, seq uint64)
	Subscribe(userID int64) (<-chan uint64, func(), error)
}

// defaultHeartbeat is how often an idle stream gets a comment line (and
// its session is checked again).
const defaultHeartbeat = 25 * time.Second

// poked tells the account's streams that its sequence is now seq.
func (a *api) poked(c echo.Context, seq uint64) {
	if seq > 0 {
		a.Events.Publish(who(c).UserID, seq)
	}
}

// handleEvents answers GET /events with a server-sent-events stream: a
// "poke" carrying the account's latest sequence number whenever it grows
// (and at once when it is above Last-Event-ID), and a heartbeat comment.
// The stream ends when the session is revoked or the account disabled
// (checked at every heartbeat) or the client goes away.
func (a *api) handleEvents(c echo.Context) error {
	p := who(c)
	ctx := c.Request().Context()
	var last uint64
	if h := c.Request().Header.Get("Last-Event-ID"); h != "" {
		v, err := strconv.ParseUint(h, 10, 63)
		if err != nil {
			return badRequest("Last-Event-ID must be a sequence number")
		}
		last = v
	}
	ch, stop, err := a.Events.Subscribe(p.UserID)
	if errors.Is(err, events.ErrTooManyStreams) {
		return &rateLimitedError{retry: time.Minute}
	}
	if err != nil {
		return err
	}
	defer stop()
	// Subscribed before reading: a write committed meanwhile is either
	// in cur or arrives on ch.
	cur, err := a.Store.LatestSeq(ctx, p.UserID)
	if err != nil {
		return err
	}
	w := c.Response()
	rc := http.NewResponseController(w)
	// Nothing more is read from a stream's request: no read deadline.
	_ = rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set(echo.HeaderCacheControl, "no-cache, no-transform")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	send := func(format string, args ...any) error {
		// Each write gets its own deadline: the server's WriteTimeout
		// would end a long stream, and a stalled reader must not hold it.
		_ = rc.SetWriteDeadline(time.Now().Add(30 * time.Second))
		if _, err := fmt.Fprintf(w, format, args...); err != nil {
			return err
		}
		return rc.Flush()
	}
	if err := send("retry: 3000\n\n"); err != nil {
		return nil
	}
	sent := last
	poke := func(seq uint64) error {
		if seq <= sent {
			return nil
		}
		sent = seq
		return send("id: %d\nevent: poke\ndata: {\"seq\":%d}\n\n", seq, seq)
	}
	if err := poke(cur); err != nil {
		return nil
	}
	beat := time.NewTicker(a.EventsHeartbeat)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case seq := <-ch:
			if err := poke(seq); err != nil {
				return nil
			}
		case <-beat.C:
			sa, err := a.Store.SessionAuth(ctx, p.SID)
			if err != nil || sa.Disabled {
				if err != nil && !errors.Is(err, server.ErrNotFound) && ctx.Err() == nil {
					a.Logger.WarnContext(ctx, "event stream: check session", "err", err)
				}
				return nil
			}
			if err := send(": ping\n\n"); err != nil {
				return nil
			}
		}
	}
}

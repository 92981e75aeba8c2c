package httpapi

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"cipherleaf.dev/shared/protocol"
)

// Body limits per route (SPEC §7.6): unauthenticated routes take at most
// AuthBody bytes, routes carrying one blob its base64 plus a little JSON,
// anything else MaxBody. A declared Content-Length over the limit is
// refused before a byte is read; any other body (chunked included) is
// wrapped so that whatever decoder reads it fails after the limit, so
// memory per request stays bounded by it.

// largeBodiesPerUser is how many large bodies one user may send at once
// (a syncing client pipelines two batches).
const largeBodiesPerUser = 4

// smallBody is the size up to which a body skips the server-wide budget.
const smallBody = 64 << 10

// blobRoutes carry one blob (plus small fields).
var blobRoutes = map[string]bool{
	protocol.PathPrefix + "/notes/:id": true,
	protocol.PathPrefix + "/manifest":  true,
}

// unauthenticated reports whether route is one of the sign-in routes
// anyone may call.
func unauthenticated(route string) bool {
	rest, ok := strings.CutPrefix(route, protocol.PathPrefix+"/auth/")
	return ok && rest != "logout"
}

// bodyLimit is the largest body route accepts.
func (a *api) bodyLimit(route string) int64 {
	switch {
	case unauthenticated(route):
		return a.AuthBody
	case blobRoutes[route]:
		return min(a.MaxBody, int64(a.MaxBlob+2)/3*4+1024)
	}
	return a.MaxBody
}

// limitBody applies the route's body limit and, on unauthenticated
// routes, the per-source cap on requests in flight.
func (a *api) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		route := c.Path()
		if unauthenticated(route) {
			release, err := a.inflight.acquire(source(c))
			if err != nil {
				return err
			}
			defer release()
		}
		limit := a.bodyLimit(route)
		req := c.Request()
		if req.ContentLength > limit {
			// Not reading the body: close the connection after the answer
			// rather than drain what the client still sends.
			c.Response().Header().Set(echo.HeaderConnection, "close")
			return tooLarge("request body too large")
		}
		body := &eofReader{r: http.MaxBytesReader(c.Response().Writer, req.Body, limit)}
		req.Body = body
		err := next(c)
		if !body.eof && req.ContentLength != 0 && !c.Response().Committed {
			// Answered without reading the whole body (an error before
			// decoding): close rather than let the server wait to drain
			// a body the client may be withholding.
			c.Response().Header().Set(echo.HeaderConnection, "close")
		}
		return err
	}
}

// eofReader records whether its body was read to the end.
type eofReader struct {
	r   io.ReadCloser
	eof bool
}

func (e *eofReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		e.eof = true
	}
	return n, err
}

func (e *eofReader) Close() error { return e.r.Close() }

// reserveBody, after authentication, makes a body that may be large
// share the server-wide budget, largeBodiesPerUser per user at a time; small
// ones (a note, a key change) never wait for it. Sign-in routes take only
// small bodies, so no stranger can hold the budget.
func (a *api) reserveBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		limit, n := a.bodyLimit(c.Path()), c.Request().ContentLength
		if limit <= smallBody || (n >= 0 && n <= smallBody) {
			return next(c)
		}
		if n < 0 {
			n = limit
		}
		mine, err := a.largeBodies.acquire(strconv.FormatInt(who(c).UserID, 10))
		if err != nil {
			return err
		}
		defer mine()
		release, err := a.budget.acquire(c.Request().Context(), n)
		if err != nil {
			return err
		}
		defer release()
		return next(c)
	}
}

// inflight counts the unauthenticated requests in flight per source.
type inflight struct {
	max int
	mu  sync.Mutex
	n   map[string]int
}

func newInflight(max int) *inflight { return &inflight{max: max, n: make(map[string]int)} }

// acquire takes a slot for src, or refuses as rate limited when src has
// max requests in flight; release gives it back.
func (f *inflight) acquire(src string) (release func(), err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.max > 0 && f.n[src] >= f.max {
		return nil, &rateLimitedError{retry: time.Second}
	}
	f.n[src]++
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.n[src]--; f.n[src] <= 0 {
			delete(f.n, src)
		}
	}, nil
}

package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"cipherleaf.dev/shared/protocol"
)

// decode reads the JSON body of c into v. Only application/json is
// accepted: a browser cannot send it cross-origin without a CORS preflight,
// which this server never answers.
func decode(c echo.Context, v any) error {
	mt, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil || mt != echo.MIMEApplicationJSON {
		return badRequest("the body must be JSON (Content-Type: application/json)")
	}
	return decodeJSONSized(c.Request().Body, c.Request().ContentLength, v)
}

// decodeJSON decodes exactly one JSON value from r into v.
func decodeJSON(r io.Reader, v any) error {
	return decodeJSONSized(r, -1, v)
}

// maxPresize caps the buffer decodeJSONSized allocates from a declared
// length before any byte has arrived. A declared length over 64 KiB is
// already reserved in the server-wide body budget (reserveBody), so the
// cap only has to cover a push batch (1,000 sealed notes of 1 KiB are
// about 2 MiB of JSON) so that its buffer is not grown and copied.
const maxPresize = 8 << 20

// decodeJSONSized is decodeJSON with the body's declared length (-1 if
// unknown) to size the read buffer.
//
// The body is read whole, then the two hot request shapes (a note write
// and a batch) go through protocol.DecodeFast, written for them;
// everything else, and any input it does not take exactly as json.Marshal
// writes it, goes through encoding/json. The outcome is the same either way
// (FuzzDecodeFast and FuzzDecodeBody compare them), only the time differs.
//
// The read buffer is reused (bodyBuffers): nothing decoded points into it,
// since both decoders copy what they keep.
func decodeJSONSized(r io.Reader, size int64, v any) error {
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer putBodyBuffer(buf)
	if size > 0 {
		buf.Grow(int(min(size, maxPresize)) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(r); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge("request body too large")
		}
		return badRequest("malformed JSON body")
	}
	b := buf.Bytes()
	if protocol.DecodeFast(b, v) {
		return nil
	}
	// Unmarshal takes exactly one value surrounded by white space, like a
	// Decoder followed by a check for io.EOF.
	if err := json.Unmarshal(b, v); err != nil {
		return badRequest("malformed JSON body")
	}
	return nil
}

// bodyBuffers holds the read buffers of decodeJSONSized between requests:
// a push batch's 2-3 MiB body otherwise costs a new buffer per request,
// which a 2-core machine pays for in zeroing and in collections taken
// from the pushing client. The pool empties itself over two collections
// when the server is idle.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putBodyBuffer returns buf to bodyBuffers, unless it grew past what a
// batch needs (a rare large body is not kept).
func putBodyBuffer(buf *bytes.Buffer) {
	if buf.Cap() > maxPresize+bytes.MinRead {
		return
	}
	buf.Reset()
	bodyBuffers.Put(buf)
}

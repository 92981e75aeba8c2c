package apiclient

import (
	"bufio"
	"io"
	"mime"
	"net/http"
)

// jsonBodySize is the buffer a JSON answer is read through.
const jsonBodySize = 64 << 10

// jsonBodies wraps the transport so that a JSON answer is read through a
// 64 KiB buffer. resty reads a body 512 bytes at a time, and every read of
// an HTTP/2 body takes the stream's lock and counts flow control: a page
// of 1,000 changes (about 2 MiB) took 4,000 such reads, a tenth of a
// 10,000-note pull's client CPU. Event streams and attachment bytes (any
// other type) keep the transport's own body: their readers ask for large
// pieces, or must see each event as soon as it arrives. A call that
// carries an answer (every call made through Client.do) has its JSON body
// read whole into it instead.
//
// It also gives each attempt of such a call its JSON request body (the
// answer's request, requestbody.go), as a reader of its own.
type jsonBodies struct{ next http.RoundTripper }

func (t jsonBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	if a := answerOf(r.Context()); a != nil && a.request != nil {
		rb := a.request
		body, err := rb.reader()
		if err != nil {
			return nil, err
		}
		r = r.Clone(r.Context())
		r.Body, r.ContentLength, r.GetBody = body, int64(len(rb.b)), rb.reader
	}
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "application/json" {
		if a := answerOf(r.Context()); a != nil {
			// The call reads the body from its answer (answer.go);
			// resty is left an empty one.
			err := a.fill(resp.Body, resp.ContentLength)
			resp.Body.Close()
			if err != nil {
				return nil, err
			}
			resp.Body = http.NoBody
			return resp, nil
		}
		resp.Body = bufferedBody{Reader: bufio.NewReaderSize(resp.Body, jsonBodySize), Closer: resp.Body}
	}
	return resp, nil
}

// bufferedBody reads a body through a buffer and closes the body itself.
type bufferedBody struct {
	*bufio.Reader
	io.Closer
}

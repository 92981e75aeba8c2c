package apiclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sync"
	"sync/atomic"

	"cipherleaf.dev/shared/protocol"
)

// requestBody is one call's JSON request body. The transport (jsonBodies)
// gives each attempt of the call a reader of its own over it, rather than
// resty, which copied a body twice per attempt (into its buffer, then into
// the request): 60 MiB copied and allocated for a push of 10,000 notes,
// whose batch bodies are about 30 MiB.
//
// A batch body is written into a buffer that the client's next batch
// reuses (Client.requests), once nothing reads it: the call has returned
// and the transport has closed every attempt's reader (http.RoundTripper
// closes a request body once it is done with it, even after RoundTrip
// returns). A reader is closed under its lock, so no read of it is still
// copying from the buffer when the buffer goes back.
type requestBody struct {
	b     []byte
	spare *spareBuffer // where b goes back to; nil: not reused
	refs  atomic.Int32 // the call's own, plus each attempt's open reader
}

// newRequestBody encodes body, a batch into a buffer from spare.
func newRequestBody(body any, spare *spareBuffer) (*requestBody, error) {
	rb := &requestBody{}
	rb.refs.Store(1)
	if r, ok := body.(protocol.BatchRequest); ok {
		rb.b, rb.spare = protocol.AppendBatch(spare.take(), r), spare
		return rb, nil
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	rb.b = b
	return rb, nil
}

// errBodyReleased: a reader asked for after the call ended.
var errBodyReleased = errors.New("request body already released")

// reader returns a new reader of the body, for one attempt.
func (rb *requestBody) reader() (io.ReadCloser, error) {
	if rb.refs.Add(1) == 1 {
		rb.refs.Add(-1)
		return nil, errBodyReleased
	}
	return &attemptBody{r: bytes.NewReader(rb.b), rb: rb}, nil
}

// release drops one hold on the body; the last gives the buffer back.
func (rb *requestBody) release() {
	if rb.refs.Add(-1) == 0 && rb.spare != nil {
		rb.spare.give(rb.b)
	}
}

// attemptBody is one attempt's reader of a requestBody.
type attemptBody struct {
	mu     sync.Mutex
	r      *bytes.Reader
	rb     *requestBody
	closed bool
}

func (a *attemptBody) Read(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return 0, errBodyReleased
	}
	return a.r.Read(p)
}

func (a *attemptBody) Close() error {
	a.mu.Lock()
	closed := a.closed
	a.closed = true
	a.mu.Unlock()
	if !closed {
		a.rb.release()
	}
	return nil
}

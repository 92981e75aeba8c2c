package apiclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/go-resty/resty/v2"
)

// answer holds the JSON body of one call's answer, read whole by the
// transport (jsonBodies). resty reads a body into a slice that grows by
// appends of 512 bytes: a 2 MiB page of changes cost about 10 MiB of
// allocations and as many bytes copied, a third of what a 10,000-note pull
// allocated. Read here, a page lands in the client's spare buffer, which
// the next page reuses. Each attempt of the call replaces the body.
type answer struct {
	limit int          // the most bytes accepted
	spare *spareBuffer // where buf comes from and goes back to
	buf   []byte
	body  []byte // the last attempt's body, a prefix of buf
	read  bool   // the transport read the body (a JSON answer)
	// request is the call's JSON request body (requestbody.go); nil:
	// none.
	request *requestBody
}

type answerKey struct{}

// withAnswer returns ctx carrying a, for the transport to fill.
func withAnswer(ctx context.Context, a *answer) context.Context {
	return context.WithValue(ctx, answerKey{}, a)
}

// answerOf returns the answer ctx carries, or nil.
func answerOf(ctx context.Context) *answer {
	a, _ := ctx.Value(answerKey{}).(*answer)
	return a
}

// spareBuffer keeps up to two answer buffers of a client for its next
// calls: a pull decodes one page while the next one arrives (package
// syncer asks for it early). A buffer only comes back once its answer is
// decoded, and every decoder copies what it keeps (strings, base64
// decoded into new slices), so nothing refers to it. Concurrent calls
// each take their own.
type spareBuffer struct{ p [2]atomic.Pointer[[]byte] }

// maxSpareAnswer is the largest buffer kept between calls: a page of
// changes at the server's default limit is about 2 MiB, at its largest
// about 11 MiB.
const maxSpareAnswer = 16 << 20

// minAnswerBuffer is the first size of a buffer for an answer of unknown
// length.
const minAnswerBuffer = 64 << 10

func (s *spareBuffer) take() []byte {
	if s == nil {
		return nil
	}
	for i := range s.p {
		if b := s.p[i].Swap(nil); b != nil {
			return (*b)[:0]
		}
	}
	return nil
}

func (s *spareBuffer) give(b []byte) {
	if s == nil || cap(b) > maxSpareAnswer {
		return
	}
	b = b[:0]
	for i := range s.p {
		if s.p[i].CompareAndSwap(nil, &b) {
			return
		}
	}
	s.p[0].Store(&b) // both taken meanwhile: the newest is kept
}

// fill reads r to its end as the answer's body; size is the announced
// length, or -1. More than the limit is resty.ErrResponseBodyTooLarge,
// as when resty reads the body itself.
func (a *answer) fill(r io.Reader, size int64) error {
	if a.buf == nil {
		a.buf = a.spare.take()
	}
	b := a.buf[:0]
	a.body, a.read = nil, false
	if size > int64(a.limit) {
		return resty.ErrResponseBodyTooLarge
	}
	if size >= 0 && int64(cap(b)) < size+1 {
		// One byte more than announced, so that reading the end needs
		// no growth.
		b = make([]byte, 0, size+1)
	}
	for {
		if len(b) == cap(b) {
			// Doubling: a body of unknown length is copied about once.
			b = append(make([]byte, 0, max(2*cap(b), minAnswerBuffer)), b...)
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if len(b) > a.limit {
			a.buf = b
			return resty.ErrResponseBodyTooLarge
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			a.buf = b
			return fmt.Errorf("read answer: %w", err)
		}
	}
	a.buf, a.body, a.read = b, b, true
	return nil
}

// release gives the buffer back for reuse; the body must no longer be
// used.
func (a *answer) release() {
	if a == nil || a.buf == nil {
		return
	}
	a.spare.give(a.buf)
	a.buf, a.body, a.read = nil, nil, false
}

// bodyOf returns the body of resp: the one the transport read whole into
// the call's answer, or else the one resty read.
func bodyOf(resp *resty.Response) []byte {
	if a := answerOf(resp.Request.Context()); a != nil && a.read {
		return a.body
	}
	return resp.Body()
}

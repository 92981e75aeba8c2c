package apiclient

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/go-resty/resty/v2"
)

// TestAnswerFill: a body is read whole whether its length is announced or
// not, in pieces of any size; more than the limit, announced or found
// while reading, is resty.ErrResponseBodyTooLarge; a failed read is an
// error and leaves no body.
func TestAnswerFill(t *testing.T) {
	long := strings.Repeat("0123456789", 20000) // 200,000 bytes: several growths
	readErr := errors.New("connection reset")
	for _, tc := range []struct {
		name    string
		r       func() io.Reader
		size    int64
		limit   int
		want    string
		wantErr error
	}{
		{"empty", func() io.Reader { return strings.NewReader("") }, -1, 10, "", nil},
		{"announced", func() io.Reader { return strings.NewReader(long) }, int64(len(long)), len(long), long, nil},
		{"unannounced", func() io.Reader { return strings.NewReader(long) }, -1, len(long), long, nil},
		{"one byte at a time", func() io.Reader { return iotest.OneByteReader(strings.NewReader("{\"a\":1}")) }, -1, 100, "{\"a\":1}", nil},
		{"data with EOF", func() io.Reader { return iotest.DataErrReader(strings.NewReader(long)) }, -1, len(long), long, nil},
		{"announced over the limit", func() io.Reader { return strings.NewReader(long) }, int64(len(long)), len(long) - 1, "", resty.ErrResponseBodyTooLarge},
		{"found over the limit", func() io.Reader { return strings.NewReader(long) }, -1, len(long) - 1, "", resty.ErrResponseBodyTooLarge},
		{"longer than announced", func() io.Reader { return strings.NewReader(long) }, 10, len(long) - 1, "", resty.ErrResponseBodyTooLarge},
		{"read error", func() io.Reader { return io.MultiReader(strings.NewReader("{\"a\""), iotest.ErrReader(readErr)) }, -1, 100, "", readErr},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := &answer{limit: tc.limit, spare: &spareBuffer{}}
			err := a.fill(tc.r(), tc.size)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("fill() = %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				if a.read || a.body != nil {
					t.Errorf("fill() failed but left a body of %d bytes (read %v)", len(a.body), a.read)
				}
				return
			}
			if !a.read || string(a.body) != tc.want {
				t.Errorf("fill() body = %d bytes (read %v), want %d", len(a.body), a.read, len(tc.want))
			}
		})
	}
}

// TestAnswerSpareReused: a released buffer serves the client's next
// answer, which then holds only its own bytes; a buffer taken by one
// call is not handed to another until it comes back.
func TestAnswerSpareReused(t *testing.T) {
	spare := &spareBuffer{}
	first := &answer{limit: 1 << 20, spare: spare}
	if err := first.fill(strings.NewReader(strings.Repeat("x", 100000)), -1); err != nil {
		t.Fatal(err)
	}
	other := &answer{limit: 1 << 20, spare: spare}
	if err := other.fill(strings.NewReader("{}"), -1); err != nil {
		t.Fatal(err)
	}
	if &other.buf[:1][0] == &first.buf[:1][0] {
		t.Fatal("two answers in flight share a buffer")
	}
	held := &first.buf[:1][0]
	first.release()
	next := &answer{limit: 1 << 20, spare: spare}
	if err := next.fill(strings.NewReader(`{"b":2}`), -1); err != nil {
		t.Fatal(err)
	}
	if &next.buf[:1][0] != held {
		t.Error("the released buffer was not reused")
	}
	if string(next.body) != `{"b":2}` {
		t.Errorf("reused buffer body = %q, want %q", next.body, `{"b":2}`)
	}
}

// TestJSONBodiesFillAnswer: with an answer in the request's context, a
// JSON body is read into it and resty is left an empty body; any other
// answer keeps its body.
func TestJSONBodiesFillAnswer(t *testing.T) {
	for _, tc := range []struct {
		contentType string
		filled      bool
	}{
		{"application/json", true},
		{"text/event-stream", false},
		{"application/octet-stream", false},
	} {
		t.Run(tc.contentType, func(t *testing.T) {
			a := &answer{limit: 1 << 20, spare: &spareBuffer{}}
			req, _ := http.NewRequestWithContext(withAnswer(context.Background(), a), http.MethodGet, "https://example.invalid/", nil)
			resp, err := jsonBodies{next: fixedTransport{tc.contentType}}.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			rest, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			got := rest
			if a.read {
				got = a.body
			}
			if a.read != tc.filled || (tc.filled && len(rest) != 0) || !bytes.Equal(got, []byte(`{"ok":true}`)) {
				t.Errorf("answer read %v (%q), body left %q; want read %v", a.read, a.body, rest, tc.filled)
			}
		})
	}
}

// TestAnswerTwoSpares: two answers decoded at once (a page and the next
// one fetched ahead) both give their buffers back for the next two.
func TestAnswerTwoSpares(t *testing.T) {
	spare := &spareBuffer{}
	fill := func() *answer {
		a := &answer{limit: 1 << 20, spare: spare}
		if err := a.fill(strings.NewReader(strings.Repeat("y", 70000)), -1); err != nil {
			t.Fatal(err)
		}
		return a
	}
	a, b := fill(), fill()
	held := map[*byte]bool{&a.buf[:1][0]: true, &b.buf[:1][0]: true}
	a.release()
	b.release()
	c, d := fill(), fill()
	if !held[&c.buf[:1][0]] || !held[&d.buf[:1][0]] || &c.buf[:1][0] == &d.buf[:1][0] {
		t.Error("the next two answers did not reuse the two released buffers")
	}
}

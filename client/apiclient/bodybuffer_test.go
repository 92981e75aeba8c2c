package apiclient

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

type fixedTransport struct{ contentType string }

func (f fixedTransport) RoundTrip(*http.Request) (*http.Response, error) {
	h := http.Header{}
	if f.contentType != "" {
		h.Set("Content-Type", f.contentType)
	}
	return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(strings.NewReader(`{"ok":true}`))}, nil
}

// TestJSONBodiesBuffered: JSON answers are read through the buffer, every
// other answer (event streams, attachment bytes) keeps its own body, and
// the content is the same either way.
func TestJSONBodiesBuffered(t *testing.T) {
	for _, tc := range []struct {
		contentType string
		buffered    bool
	}{
		{"application/json", true},
		{"application/json; charset=UTF-8", true},
		{"text/event-stream", false},
		{"application/octet-stream", false},
		{"", false},
	} {
		t.Run(tc.contentType, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, "https://example.invalid/", nil)
			resp, err := jsonBodies{next: fixedTransport{tc.contentType}}.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			_, buffered := resp.Body.(bufferedBody)
			if buffered != tc.buffered {
				t.Errorf("RoundTrip body buffered = %v, want %v", buffered, tc.buffered)
			}
			b, err := io.ReadAll(resp.Body)
			if err != nil || string(b) != `{"ok":true}` || resp.Body.Close() != nil {
				t.Errorf("body = %q, %v", b, err)
			}
		})
	}
}

package core_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"cipherleaf.dev/client/apiclient"
	"cipherleaf.dev/client/core"
)

// TestWordsTellTheRetryAfter: a 429's Retry-After reaches the person's
// words through the real API client.
func TestWordsTellTheRetryAfter(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "42")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"error":"slow down","code":"rate_limited"}`))
	}))
	defer srv.Close()
	c, err := apiclient.New(apiclient.Config{BaseURL: srv.URL, Pin: apiclient.Fingerprint(srv.Certificate().Raw), Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Params(context.Background(), "ann")
	if w := core.Words(err); !strings.Contains(w, "Try again in 42 s") {
		t.Errorf("Words(429, Retry-After 42) = %q, want it to say 42 s", w)
	}
}

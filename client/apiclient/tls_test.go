package apiclient

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

func TestTLSPinning(t *testing.T) {
	var hits atomic.Int32
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeJSON(w, 200, `{"rev":1,"seq":1}`)
	}))
	other := newServer(t, http.NotFoundHandler())

	tests := []struct {
		name    string
		pin     string
		wantErr error
	}{
		{"pin ok", pinOf(srv), nil},
		{"pin of another certificate", pinOf(other), ErrPinMismatch},
		{"no pin, self-signed", "", ErrUntrustedCert},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits.Store(0)
			c, err := newClient(Config{BaseURL: srv.URL, Pin: tt.pin, Tokens: Tokens{Access: "a", Refresh: "r"}}, testOptions())
			if err != nil {
				t.Fatalf("newClient: %v", err)
			}
			id := "0e3f2a1b-0000-4000-8000-000000000001"
			_, err = c.PutNote(context.Background(), id, protocol.PutNoteRequest{Blob: []byte("secret")})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("PutNote() err = %v, want %v", err, tt.wantErr)
			}
			wantHits := int32(1)
			if tt.wantErr != nil {
				wantHits = 0 // refused in the handshake: no request, no body
			}
			if got := hits.Load(); got != wantHits {
				t.Errorf("server saw %d requests, want %d", got, wantHits)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct{ name, url, pin string }{
		{"http scheme", "http://127.0.0.1:1", ""},
		{"path", "https://127.0.0.1:1/api/v1", ""},
		{"empty", "", ""},
		{"pin without prefix", "https://h", strings.Repeat("a", 64)},
		{"pin too short", "https://h", "sha256:abcd"},
		{"pin uppercase", "https://h", "sha256:" + strings.Repeat("A", 64)},
		{"pin not hex", "https://h", "sha256:" + strings.Repeat("z", 64)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(Config{BaseURL: tt.url, Pin: tt.pin}); err == nil {
				t.Errorf("New(%q, %q) = nil error, want one", tt.url, tt.pin)
			}
		})
	}
	if _, err := New(Config{BaseURL: "https://example.org:8443/", Pin: "sha256:" + strings.Repeat("0f", 32)}); err != nil {
		t.Errorf("New(valid) = %v, want nil", err)
	}
}

func TestProbe(t *testing.T) {
	srv := newServer(t, http.NotFoundHandler())
	ctx := context.Background()

	fp, trusted, err := Probe(ctx, srv.URL)
	if err != nil {
		t.Fatalf("Probe() err = %v", err)
	}
	if want := pinOf(srv); fp != want {
		t.Errorf("Probe() fingerprint = %q, want %q", fp, want)
	}
	if trusted {
		t.Errorf("Probe() publicTrusted = true for a self-signed cert, want false")
	}

	roots := x509.NewCertPool()
	cert, err := x509.ParseCertificate(srv.TLS.Certificates[0].Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	roots.AddCert(cert)
	if _, trusted, err := probe(ctx, srv.URL, roots); err != nil || !trusted {
		t.Errorf("probe(with its root) = trusted %v, err %v; want true, nil", trusted, err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if _, _, err := Probe(ctx, "https://"+addr); !errors.Is(err, ErrUnreachable) {
		t.Errorf("Probe(closed port) err = %v, want ErrUnreachable", err)
	}
}

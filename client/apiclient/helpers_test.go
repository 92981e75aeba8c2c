package apiclient

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"
)

// newCert makes a fresh self-signed P-256 certificate for 127.0.0.1, so two
// servers in one test have different fingerprints (httptest's is shared).
func newCert(t testing.TB) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "cipherleafd test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// newServer starts an HTTPS server on loopback with a fresh certificate.
func newServer(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{newCert(t)}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// pinOf returns the pin of srv's certificate.
func pinOf(srv *httptest.Server) string {
	return Fingerprint(srv.TLS.Certificates[0].Certificate[0])
}

// testOptions keeps retries fast: 1 ms backoff, one Retry-After second = 10 ms.
func testOptions() options {
	o := defaultOptions()
	o.retryWait = time.Millisecond
	o.retryMaxWait = 2 * time.Second
	o.retryAfterUnit = 10 * time.Millisecond
	return o
}

// newTestClient returns a client pinned to srv with test options.
func newTestClient(t testing.TB, srv *httptest.Server, cfg Config) *Client {
	t.Helper()
	cfg.BaseURL = srv.URL
	if cfg.Pin == "" {
		cfg.Pin = pinOf(srv)
	}
	c, err := newClient(cfg, testOptions())
	if err != nil {
		t.Fatalf("newClient: %v", err)
	}
	return c
}

// writeJSON writes a status and a raw JSON body.
func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// newRestyResponse wraps a bare header set, for retryAfter tests.
func newRestyResponse(h http.Header) *resty.Response {
	return &resty.Response{RawResponse: &http.Response{Header: h}}
}

package tlsid

import (
	"crypto/tls"
	"fmt"
)

// suites12 are the only TLS 1.2 cipher suites offered: ECDHE key exchange
// (forward secrecy) with an AEAD. TLS 1.3 suites are all of that kind and
// not configurable.
var suites12 = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// ParseVersion turns "1.2" or "1.3" into a TLS version.
func ParseVersion(s string) (uint16, error) {
	switch s {
	case "1.2":
		return tls.VersionTLS12, nil
	case "1.3":
		return tls.VersionTLS13, nil
	}
	return 0, fmt.Errorf("parse TLS version %q: want 1.2 or 1.3", s)
}

// ServerConfig is the server's TLS configuration for cert: at least
// version min, and under TLS 1.2 only suites with forward secrecy and an
// AEAD.
func ServerConfig(cert tls.Certificate, min uint16) *tls.Config {
	return &tls.Config{MinVersion: min, CipherSuites: suites12, Certificates: []tls.Certificate{cert}}
}

package apiclient

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

const pinPrefix = "sha256:"

// Fingerprint returns the "sha256:<lowercase hex>" pin of a DER certificate.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return pinPrefix + hex.EncodeToString(sum[:])
}

// parsePin decodes "sha256:<64 lowercase hex>" into the 32-byte digest.
func parsePin(pin string) ([]byte, error) {
	h, ok := strings.CutPrefix(pin, pinPrefix)
	if !ok || len(h) != 2*sha256.Size || strings.ToLower(h) != h {
		return nil, fmt.Errorf("pin %q is not sha256:<64 lowercase hex digits>", pin)
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return nil, fmt.Errorf("pin %q is not sha256:<64 lowercase hex digits>", pin)
	}
	return b, nil
}

// tlsConfig verifies with the system roots when pin is empty. With a pin it
// skips the chain check and instead requires the leaf certificate's SHA-256
// to equal the pin. InsecureSkipVerify alone would accept anyone; the
// VerifyConnection callback is what makes it safe, and it runs during the
// handshake, before any request byte is sent.
func tlsConfig(pin string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if pin == "" {
		return cfg, nil
	}
	want, err := parsePin(pin)
	if err != nil {
		return nil, err
	}
	cfg.InsecureSkipVerify = true
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return ErrPinMismatch
		}
		got := sha256.Sum256(cs.PeerCertificates[0].Raw)
		if subtle.ConstantTimeCompare(got[:], want) != 1 {
			return ErrPinMismatch
		}
		return nil
	}
	return cfg, nil
}

// Probe is the trust-on-first-use step: it connects to baseURL without
// trusting it, and returns the leaf certificate's "sha256:<hex>" fingerprint
// and whether the chain verifies against the system roots for the host.
// It sends no request.
func Probe(ctx context.Context, baseURL string) (fingerprint string, publicTrusted bool, err error) {
	return probe(ctx, baseURL, nil)
}

// probe is Probe with injectable roots (nil = system roots).
func probe(ctx context.Context, baseURL string, roots *x509.CertPool) (string, bool, error) {
	base, err := parseBaseURL(baseURL)
	if err != nil {
		return "", false, fmt.Errorf("probe server: %w", err)
	}
	u, _ := url.Parse(base) // parsed above
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "443"
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	d := tls.Dialer{Config: &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         host,
		InsecureSkipVerify: true, // we only read the certificate; nothing is sent
	}}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return "", false, fmt.Errorf("probe server: %w", err)
		}
		return "", false, fmt.Errorf("probe server: %w: %w", ErrUnreachable, err)
	}
	defer conn.Close()
	certs := conn.(*tls.Conn).ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return "", false, fmt.Errorf("probe server: %w: no certificate", ErrBadResponse)
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	_, verr := certs[0].Verify(x509.VerifyOptions{DNSName: host, Roots: roots, Intermediates: inter})
	return Fingerprint(certs[0].Raw), verr == nil, nil
}

// isCertError reports whether err is a failed certificate check rather than a
// network failure; such errors are never retried.
func isCertError(err error) bool {
	var cve *tls.CertificateVerificationError
	var uae x509.UnknownAuthorityError
	var he x509.HostnameError
	var cie x509.CertificateInvalidError
	return errors.As(err, &cve) || errors.As(err, &uae) || errors.As(err, &he) || errors.As(err, &cie)
}

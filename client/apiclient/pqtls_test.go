package apiclient_test

import (
	"crypto/tls"
	"testing"

	"cipherleaf.dev/client/apiclient"
	"cipherleaf.dev/client/internal/testserver"
)

// TestPostQuantumKeyExchange: the client and the real cipherleafd agree on
// the hybrid post-quantum key exchange X25519MLKEM768 (Go's default, which
// a custom CurvePreferences on either side would silently drop), so
// recorded traffic stays private against a future quantum computer.
func TestPostQuantumKeyExchange(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs cipherleafd")
	}
	s := testserver.Start(t, testserver.Binary(t))
	cfg, err := apiclient.TLSConfigForTest(s.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := tls.Dial("tcp", s.Addr(), cfg)
	if err != nil {
		t.Fatalf("dial cipherleafd: %v", err)
	}
	defer conn.Close()
	st := conn.ConnectionState()
	if st.CurveID != tls.X25519MLKEM768 {
		t.Errorf("key exchange = %v, want %v", st.CurveID, tls.X25519MLKEM768)
	}
	if st.Version != tls.VersionTLS13 {
		t.Errorf("TLS version = %x, want TLS 1.3 (%x)", st.Version, tls.VersionTLS13)
	}
}

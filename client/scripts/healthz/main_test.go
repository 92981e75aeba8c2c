package main

import (
	"bytes"
	"context"
	"flag"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"cipherleaf.dev/client/internal/testserver"
)

var serverBin string

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(testserver.RunTests(m, &serverBin))
}

// TestProbeLeavesNoHandshakeError: the readiness check of `make run` makes
// the server log nothing, where the bare TCP connect it replaced made it log
// a TLS handshake error (checked here too, so the test can tell them apart).
func TestProbeLeavesNoHandshakeError(t *testing.T) {
	if serverBin == "" {
		t.Skip("needs cipherleafd (not under -short)")
	}
	srv := testserver.Start(t, serverBin)
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"--wait", "10s", "--pin", srv.Fingerprint, srv.URL}, &stderr); err != nil {
		t.Fatalf("run = %v (%s), want nil", err, stderr.String())
	}
	tests := []struct {
		name      string
		probe     func()
		wantError bool
	}{
		{"healthz probe", func() {
			if err := run(context.Background(), []string{"--pin", srv.Fingerprint, srv.URL}, &stderr); err != nil {
				t.Fatalf("run = %v", err)
			}
		}, false},
		{"bare TCP connect", func() {
			c, err := net.Dial("tcp", srv.Addr())
			if err != nil {
				t.Fatal(err)
			}
			c.Close()
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(srv.Logs())
			tt.probe()
			// A request made after the probe is answered after the server
			// handled the probe's connection, so its log is complete.
			if err := run(context.Background(), []string{"--pin", srv.Fingerprint, srv.URL}, &stderr); err != nil {
				t.Fatal(err)
			}
			logged := waitFor(srv, before, tt.wantError)
			if got := strings.Contains(logged, "handshake error"); got != tt.wantError {
				t.Errorf("server logged a handshake error = %v, want %v; log:\n%s", got, tt.wantError, logged)
			}
		})
	}
}

// waitFor returns the server's log after offset; when want is true it polls
// for the handshake error (it is logged when the server reads EOF, which
// may come after our next request was answered).
func waitFor(srv *testserver.Server, offset int, want bool) string {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(5 * time.Second)
	for {
		logged := string(srv.Logs()[offset:])
		if !want || strings.Contains(logged, "handshake error") {
			return logged
		}
		select {
		case <-tick.C:
		case <-deadline:
			return logged
		}
	}
}

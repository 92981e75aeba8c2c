package main

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"cipherleaf.dev/server/metrics"
)

// serveMetrics serves m on its own plain-HTTP listener at addr (meant for
// a private interface or loopback), printing "metrics on http://ADDR".
// A failure to serve is sent to errc.
func serveMetrics(addr string, m *metrics.Metrics, log *slog.Logger, stdout io.Writer, errc chan<- error) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for metrics: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	fmt.Fprintf(stdout, "metrics on http://%s\n", ln.Addr())
	go func() {
		if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
			errc <- fmt.Errorf("serve metrics: %w", err)
		}
	}()
	return srv, nil
}

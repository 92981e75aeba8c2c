// Command healthz asks a cipherleafd for /healthz over TLS, trusting only
// the pinned certificate, and exits 0 once it answers. `make run` uses it as
// its readiness check: a whole TLS handshake and request, where a bare TCP
// connect made the server log "TLS handshake error … EOF".
//
//	healthz [--wait 10s] --pin sha256:HEX https://HOST:PORT
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"cipherleaf.dev/client/apiclient"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "healthz:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("healthz", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pin := fs.String("pin", "", "certificate `fingerprint` (sha256:HEX) of the server")
	wait := fs.Duration("wait", 0, "keep asking for this long (0: ask once)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *pin == "" {
		return errors.New("usage: healthz [--wait 10s] --pin sha256:HEX https://HOST:PORT")
	}
	c, err := apiclient.New(apiclient.Config{BaseURL: fs.Arg(0), Pin: *pin, Timeout: 2 * time.Second, Retries: -1})
	if err != nil {
		return fmt.Errorf("make client: %w", err)
	}
	deadline := time.Now().Add(*wait)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		_, err := c.Health(ctx)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

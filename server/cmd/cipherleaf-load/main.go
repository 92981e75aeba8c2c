// Command cipherleaf-load measures cipherleafd over loopback TLS: it starts
// the real server binary on a temporary data folder, uploads notes in
// batches, pages them back down, runs many concurrent clients doing
// single-note writes, and reads the server's memory from /proc.
//
//	go run ./cmd/cipherleaf-load [--server PATH] [--json]
//
// Without --server it builds cipherleafd itself (run it inside the server
// module).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "cipherleaf-load:", err)
		os.Exit(1)
	}
}

// Command cipherleaf-load measures cipherleafd over loopback TLS: it starts
// the real server binary on a temporary data folder, uploads notes in
// batches, pages them back down, runs many concurrent clients doing
// single-note writes, and reads the server's memory from /proc.
//
//	go run ./cmd/cipherleaf-load [--server PATH] [--json]
//	go run ./cmd/cipherleaf-load --hostile [--server PATH] [--flooders 32] [--phase 3s]
//
// With --hostile it measures honest users' note-write latency idle and
// during each flood of issue 11 (SPEC §7.6): wrong-key logins from many
// addresses (the bcrypt pool), /auth/params for one victim, made-up HTTP
// methods (metric labels) and 32 MiB bodies to a sign-in route. Loopback
// addresses 127.0.x.y stand for distinct client IPs.
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

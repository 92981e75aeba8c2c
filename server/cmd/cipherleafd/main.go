// Command cipherleafd is the Cipherleaf sync server: one binary, one data
// folder. It stores opaque encrypted blobs and never holds a key.
//
//	cipherleafd serve --data DIR [--addr 127.0.0.1:8443]
//	cipherleafd fingerprint --data DIR
//	cipherleafd user list|disable NAME|enable NAME|delete NAME --data DIR
//	cipherleafd backup --data DIR --out FILE
//
// Every flag can also be set from the environment as CIPHERLEAF_<FLAG>,
// e.g. CIPHERLEAF_DATA, CIPHERLEAF_ADDR, CIPHERLEAF_BCRYPT_COST.
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
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "cipherleafd:", err)
		os.Exit(1)
	}
}

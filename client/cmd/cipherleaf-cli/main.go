// Command cipherleaf-cli is the Cipherleaf command line: end-to-end
// encrypted notes synced through a self-hosted cipherleafd. See
// "cipherleaf-cli help"; the work is done by package cli over the core.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"cipherleaf.dev/client/cli"
	"cipherleaf.dev/client/core"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr, open)
	stop()
	switch {
	case err == nil:
	case cli.IsUsage(err):
		os.Exit(2)
	default:
		os.Exit(1)
	}
}

// open builds the real core for a profile folder.
func open(dir string) (core.API, error) {
	host, _ := os.Hostname()
	return core.Open(core.Config{ProfileDir: dir, DeviceName: "cipherleaf-cli on " + host})
}

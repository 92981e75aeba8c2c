// Command cipherleaf-cli is the Cipherleaf command line: end-to-end
// encrypted notes synced through a self-hosted cipherleafd. See
// "cipherleaf-cli help"; the work is done by package cli over the core.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"cipherleaf.dev/client/cli"
	"cipherleaf.dev/client/core"
)

// exitGrace is how long the command may take to stop after SIGINT or
// SIGTERM: the command is cancelled at once and the profile closes (its
// committed writes are in the vault); past this the process exits anyway,
// which SQLite's journal makes safe.
const exitGrace = 1800 * time.Millisecond

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		cancel()
		time.AfterFunc(exitGrace, func() { os.Exit(1) })
	}()
	err := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr, open)
	switch {
	case err == nil:
	case cli.IsUsage(err):
		os.Exit(2)
	default:
		os.Exit(1)
	}
}

// open builds the real core for a profile folder.
func open(dir string) (cli.Core, error) {
	return core.Open(core.Config{ProfileDir: dir}) // device name: core.DefaultDeviceName, never the host name
}

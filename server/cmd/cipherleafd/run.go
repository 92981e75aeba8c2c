package main

import (
	"context"
	"errors"
	"fmt"
	"io"
)

const usage = `usage:
  cipherleafd serve --data DIR [--db postgres://…] [--addr 127.0.0.1:8443] [flags]
  cipherleafd fingerprint --data DIR
  cipherleafd user list|disable NAME|enable NAME|delete NAME --data DIR | --db postgres://…
  cipherleafd backup --data DIR --out FILE
  cipherleafd migrate-db --from sqlite:DIR --to postgres://…
  cipherleafd compact --data DIR | --db postgres://… [--tombstone-retention 2160h]
Run "cipherleafd COMMAND -h" for a command's flags. Every flag may also be
given in the environment as CIPHERLEAF_<FLAG> (dashes become underscores).`

// errUsage reports a command line that cannot be run.
var errUsage = errors.New("bad command line")

// run is the whole program: it parses args, reads configuration only
// through getenv and writes only to stdout and stderr.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], getenv, stdout, stderr)
	case "fingerprint":
		return runFingerprint(args[1:], getenv, stdout, stderr)
	case "user":
		return runUser(ctx, args[1:], getenv, stdout, stderr)
	case "backup":
		return runBackup(ctx, args[1:], getenv, stdout, stderr)
	case "migrate-db":
		return runMigrateDB(ctx, args[1:], getenv, stdout, stderr)
	case "compact":
		return runCompact(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
}

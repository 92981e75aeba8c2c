package cli

import (
	"context"
	"flag"
	"fmt"
)

// serverFlags are the flags of register, login and recover.
type serverFlags struct {
	server, user, pin string
}

func (s *serverFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&s.server, "server", "", "server URL (https://host:port)")
	fs.StringVar(&s.user, "user", "", "user name")
	fs.StringVar(&s.pin, "pin", "", "certificate fingerprint sha256:HEX")
}

// parseServer parses the server flags of command name.
func parseServer(name string, args []string, more ...func(*flag.FlagSet)) (serverFlags, error) {
	var s serverFlags
	fs := newFlagSet(name)
	s.add(fs)
	for _, add := range more {
		add(fs)
	}
	if _, err := positional(fs, args, 0, ""); err != nil {
		return s, err
	}
	if s.server == "" || s.user == "" {
		return s, usagef("%s needs --server URL and --user NAME", name)
	}
	return s, nil
}

// trust is trust on first use: it looks at the server's certificate and
// returns the pin to use. A publicly trusted server needs none; otherwise the
// fingerprint must be given with --pin or confirmed by a person at a
// terminal. A --pin that differs from what the server shows is refused.
func (a *app) trust(ctx context.Context, s serverFlags) (string, error) {
	info, err := a.api.ProbeServer(ctx, s.server)
	if err != nil {
		return "", fmt.Errorf("reach server: %w", err)
	}
	switch {
	case s.pin != "" && s.pin != info.Fingerprint:
		return "", &cliError{msg: fmt.Sprintf("the server's certificate fingerprint is %s, not the %s given with --pin: do not continue unless you know why it differs", info.Fingerprint, s.pin)}
	case s.pin != "":
		return s.pin, nil
	case info.PublicTrusted:
		return "", nil
	case a.term == nil:
		return "", &cliError{msg: fmt.Sprintf("the server's certificate is not publicly trusted; its fingerprint is %s: compare it with the one cipherleafd printed, then rerun with --pin %s", info.Fingerprint, info.Fingerprint)}
	}
	fmt.Fprintf(a.stderr, "The server's certificate is not signed by a public authority.\nIts fingerprint is:\n  %s\nCompare it with the fingerprint cipherleafd printed when it started.\n", info.Fingerprint)
	ok, err := a.term.Confirm("Trust this server? [y/N] ")
	if err != nil {
		return "", err
	}
	if !ok {
		return "", &cliError{msg: "server not trusted: nothing was sent"}
	}
	return info.Fingerprint, nil
}

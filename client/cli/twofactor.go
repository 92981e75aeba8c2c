package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/protocol"
)

// twoFactorAPI is what the 2fa command needs of the core.
type twoFactorAPI interface {
	TwoFactorStatus(ctx context.Context) (*protocol.TwoFactorStatus, error)
	EnableTwoFactor(ctx context.Context, password []byte) (*core.TwoFactorEnrolment, error)
	ConfirmTwoFactor(ctx context.Context, code string) ([]string, error)
	DisableTwoFactor(ctx context.Context, password []byte, f protocol.SecondFactor) error
}

// codeFlags are --code and --recovery-code.
type codeFlags struct{ code, recovery string }

func (f *codeFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&f.code, "code", "", "two-factor code from the authenticator app (or "+EnvTOTPCode+")")
	fs.StringVar(&f.recovery, "recovery-code", "", "a one-time recovery code instead of --code")
}

// factor is the code given on the command line, else in the environment.
func (f *codeFlags) factor(getenv func(string) string) protocol.SecondFactor {
	if f.recovery != "" {
		return protocol.SecondFactor{RecoveryCode: f.recovery}
	}
	if f.code != "" {
		return protocol.SecondFactor{TOTPCode: f.code}
	}
	return protocol.SecondFactor{TOTPCode: getenv(EnvTOTPCode)}
}

// withCode runs op; when the account needs a two-factor code and none was
// given, it asks for one on the terminal (if there is one) and runs op once
// more with it.
func (a *app) withCode(f *protocol.SecondFactor, op func() error) error {
	err := op()
	if !errors.Is(err, core.ErrTwoFactorRequired) || !f.Empty() || a.term == nil {
		return err
	}
	code, rerr := a.term.ReadSecret("Two-factor code (or a recovery code): ")
	if rerr != nil {
		return rerr
	}
	if len(code) > 6 {
		*f = protocol.SecondFactor{RecoveryCode: string(code)}
	} else {
		*f = protocol.SecondFactor{TOTPCode: string(code)}
	}
	return op()
}

// twoFactor runs "2fa enable|confirm CODE|disable|status".
func (a *app) twoFactor(ctx context.Context, args []string) error {
	fs := newFlagSet("2fa")
	var cf codeFlags
	cf.add(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return usagef("2fa needs enable, confirm CODE, disable or status")
	}
	tf, ok := a.api.(twoFactorAPI)
	if !ok {
		return &cliError{msg: "this build of cipherleaf-cli has no two-factor sign-in"}
	}
	verb, rest := rest[0], rest[1:]
	want := map[string]int{"enable": 0, "confirm": 1, "disable": 0, "status": 0}
	n, known := want[verb]
	if !known {
		return usagef("unknown 2fa command %q: enable, confirm CODE, disable or status", verb)
	}
	if len(rest) != n {
		return usagef("2fa %s takes %d argument(s)", verb, n)
	}
	switch verb {
	case "status":
		st, err := tf.TwoFactorStatus(ctx)
		if err != nil {
			return fmt.Errorf("2fa status: %w", err)
		}
		switch {
		case st.Enabled:
			fmt.Fprintf(a.stdout, "on (%d recovery codes left)\n", st.RecoveryCodesLeft)
		case st.Pending:
			fmt.Fprintln(a.stdout, "off (enrolment started: run 2fa confirm CODE)")
		default:
			fmt.Fprintln(a.stdout, "off")
		}
		if st.Required && !st.Enabled {
			fmt.Fprintln(a.stderr, "This server requires two-factor sign-in.")
		}
		return nil
	case "enable":
		pw, err := a.unlockWithPassword()
		if err != nil {
			return err
		}
		defer clear(pw)
		en, err := tf.EnableTwoFactor(ctx, pw)
		if err != nil {
			return fmt.Errorf("2fa enable: %w", err)
		}
		fmt.Fprintln(a.stdout, en.URI)
		fmt.Fprintln(a.stdout, en.Secret)
		fmt.Fprintln(a.stderr, "Add this to your authenticator app (the URI as a QR code, or the secret by hand), then run: cipherleaf-cli 2fa confirm CODE")
		return nil
	case "confirm":
		if err := a.unlock(); err != nil {
			return err
		}
		codes, err := tf.ConfirmTwoFactor(ctx, rest[0])
		if err != nil {
			return fmt.Errorf("2fa confirm: %w", err)
		}
		fmt.Fprintln(a.stderr, "Two-factor sign-in is on. Keep these one-time recovery codes somewhere safe; they are shown only now:")
		for _, c := range codes {
			fmt.Fprintln(a.stdout, c)
		}
		return nil
	}
	// disable
	pw, err := a.unlockWithPassword()
	if err != nil {
		return err
	}
	defer clear(pw)
	f := cf.factor(a.getenv)
	err = a.withCode(&f, func() error { return tf.DisableTwoFactor(ctx, pw, f) })
	if err != nil {
		return fmt.Errorf("2fa disable: %w", err)
	}
	fmt.Fprintln(a.stderr, "Two-factor sign-in is off.")
	return nil
}

// sayTokenStorage tells, on stderr, why the sign-in tokens went to the
// vault file instead of the OS keyring (SPEC §8); silent when they are in
// the keyring.
func (a *app) sayTokenStorage(ctx context.Context) {
	ts, ok := a.api.(interface {
		TokenStorage(ctx context.Context) (bool, error)
	})
	if !ok {
		return
	}
	if in, why := ts.TokenStorage(ctx); !in && why != nil {
		fmt.Fprintln(a.stderr, coreWords(why))
	}
}

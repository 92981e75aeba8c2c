package cli

import (
	"context"
	"fmt"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/protocol"
)

// recoveryWarning is printed (to stderr) with the recovery key.
const recoveryWarning = "Your recovery key follows. It is shown only this once: write it down and keep it " +
	"somewhere safe. If you forget your password, it is the only way back to your notes."

func (a *app) register(ctx context.Context, args []string) error {
	s, err := parseServer("register", args)
	if err != nil {
		return err
	}
	pin, err := a.trust(ctx, s)
	if err != nil {
		return err
	}
	pw, err := a.newPassword(EnvPassword, "Password")
	if err != nil {
		return err
	}
	defer clear(pw)
	rk, err := a.api.Register(ctx, core.RegisterInput{ServerURL: s.server, Pin: pin, Username: s.user, Password: pw})
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	fmt.Fprintln(a.stderr, recoveryWarning)
	fmt.Fprintln(a.stdout, rk)
	a.sayTokenStorage(ctx)
	return nil
}

func (a *app) login(ctx context.Context, args []string) error {
	var tf codeFlags
	s, err := parseServer("login", args, tf.add)
	if err != nil {
		return err
	}
	pin, err := a.trust(ctx, s)
	if err != nil {
		return err
	}
	pw, err := a.password()
	if err != nil {
		return err
	}
	defer clear(pw)
	in := core.LoginInput{ServerURL: s.server, Pin: pin, Username: s.user, Password: pw, SecondFactor: tf.factor(a.getenv)}
	if err := a.withCode(&in.SecondFactor, func() error { return a.api.Login(ctx, in) }); err != nil {
		return fmt.Errorf("log in: %w", err)
	}
	a.sayTokenStorage(ctx)
	return nil
}

func (a *app) recover(ctx context.Context, args []string) error {
	var tf codeFlags
	s, err := parseServer("recover", args, tf.add)
	if err != nil {
		return err
	}
	pin, err := a.trust(ctx, s)
	if err != nil {
		return err
	}
	rk, err := a.secret(EnvRecoveryKey, "Recovery key: ")
	if err != nil {
		return err
	}
	defer clear(rk)
	pw, err := a.newPassword(EnvNewPassword, "New password")
	if err != nil {
		return err
	}
	defer clear(pw)
	in := core.RecoverInput{ServerURL: s.server, Pin: pin, Username: s.user, RecoveryKey: string(rk), NewPassword: pw,
		SecondFactor: tf.factor(a.getenv)}
	if err := a.withCode(&in.SecondFactor, func() error { return a.api.Recover(ctx, in) }); err != nil {
		return fmt.Errorf("recover: %w", err)
	}
	fmt.Fprintln(a.stderr, "Password changed. Every other device must sign in again.")
	fmt.Fprintln(a.stderr, "If someone may know the old password, also run 'recovery-key' now: it replaces the account key and the recovery key, so nothing written from now on opens with the old password.")
	a.sayTokenStorage(ctx)
	return nil
}

func (a *app) passwd(ctx context.Context, args []string) error {
	fs := newFlagSet("passwd")
	var tf codeFlags
	tf.add(fs)
	if _, err := positional(fs, args, 0, ""); err != nil {
		return err
	}
	old, err := a.unlockWithPassword()
	if err != nil {
		return err
	}
	defer clear(old)
	pw, err := a.newPassword(EnvNewPassword, "New password")
	if err != nil {
		return err
	}
	defer clear(pw)
	f := tf.factor(a.getenv)
	change := func() error { return a.api.ChangePassword(ctx, old, pw) }
	if cp, ok := a.api.(interface {
		ChangePasswordCode(ctx context.Context, old, new []byte, f protocol.SecondFactor) error
	}); ok {
		change = func() error { return cp.ChangePasswordCode(ctx, old, pw, f) }
	}
	if err := a.withCode(&f, change); err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	fmt.Fprintln(a.stderr, "Password changed. Every other device must sign in again.")
	fmt.Fprintln(a.stderr, "If someone may know the old password, also run 'recovery-key' now: it replaces the account key and the recovery key, so nothing written from now on opens with the old password.")
	return nil
}

func (a *app) newRecoveryKey(ctx context.Context, args []string) error {
	if _, err := positional(newFlagSet("recovery-key"), args, 0, ""); err != nil {
		return err
	}
	pw, err := a.unlockWithPassword()
	if err != nil {
		return err
	}
	defer clear(pw)
	rk, err := a.api.NewRecoveryKey(ctx, pw)
	if err != nil {
		return fmt.Errorf("new recovery key: %w", err)
	}
	fmt.Fprintln(a.stderr, recoveryWarning)
	fmt.Fprintln(a.stdout, rk)
	fmt.Fprintln(a.stderr, "The account key was replaced too: the previous recovery key opens nothing written from now on. Every other device must sign in again with the password.")
	return nil
}

func (a *app) rotateKey(ctx context.Context, args []string) error {
	if _, err := positional(newFlagSet("rotate-key"), args, 0, ""); err != nil {
		return err
	}
	if err := a.unlock(); err != nil {
		return err
	}
	if err := a.api.RotateKey(ctx); err != nil {
		return fmt.Errorf("rotate key: %w", err)
	}
	fmt.Fprintln(a.stderr, "Account key rotated. Other devices follow on their next sync.")
	return nil
}

func (a *app) sessions(ctx context.Context, args []string) error {
	fs := newFlagSet("sessions")
	revoke := fs.String("revoke", "", "session id to sign out")
	others := fs.Bool("revoke-others", false, "sign out every other device")
	if _, err := positional(fs, args, 0, ""); err != nil {
		return err
	}
	if *revoke != "" && *others {
		return usagef("sessions: --revoke and --revoke-others exclude each other")
	}
	if err := a.unlock(); err != nil {
		return err
	}
	switch {
	case *revoke != "":
		if err := a.api.RevokeSession(ctx, *revoke); err != nil {
			return fmt.Errorf("revoke session: %w", err)
		}
		return nil
	case *others:
		if err := a.api.RevokeOtherSessions(ctx); err != nil {
			return fmt.Errorf("revoke other sessions: %w", err)
		}
		return nil
	}
	ss, err := a.api.Sessions(ctx)
	if err != nil {
		return fmt.Errorf("list sessions: %w", err)
	}
	for _, s := range ss {
		cur := ""
		if s.Current {
			cur = "\tcurrent"
		}
		fmt.Fprintf(a.stdout, "%s\t%s\t%s%s\n", s.ID, clean(s.DeviceName), stamp(s.LastSeen), cur)
	}
	return nil
}

func (a *app) logout(ctx context.Context, args []string) error {
	fs := newFlagSet("logout")
	force := fs.Bool("force", false, "log out even with unsynced changes")
	if _, err := positional(fs, args, 0, ""); err != nil {
		return err
	}
	if !a.api.HasAccount() {
		return core.ErrNoAccount
	}
	if n := a.api.Status().Pending; n > 0 && !*force {
		return &cliError{msg: fmt.Sprintf("%d local change(s) are not on the server yet and would be lost: run sync first, or logout --force", n)}
	}
	if err := a.api.Logout(ctx); err != nil {
		return fmt.Errorf("log out: %w", err)
	}
	return nil
}

// stamp formats t as RFC 3339 in UTC ("" for the zero time).
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

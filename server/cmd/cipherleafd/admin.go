package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"cipherleaf.dev/server/store/sqlite"
	"cipherleaf.dev/server/tlsid"
)

// runFingerprint prints the fingerprint of the server's certificate.
func runFingerprint(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("fingerprint", stderr)
	data := fs.String("data", "", "data folder")
	cert := fs.String("tls-cert", "", "PEM certificate, if not the self-signed one in the data folder")
	if _, err := parse(fs, args, getenv); err != nil {
		return err
	}
	path := *cert
	if path == "" {
		d := dataDir(*data)
		if err := d.mustExist(); err != nil {
			return err
		}
		path = d.tlsCert()
	}
	fp, err := tlsid.FingerprintFile(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "fingerprint: %s\n", fp)
	return nil
}

// runUser lists, disables, enables or deletes accounts; safe while the
// server runs (SQLite serializes the writes).
func runUser(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("user", stderr)
	data := fs.String("data", "", "data folder")
	var db string
	dbFlag(fs, &db)
	pos, err := parse(fs, args, getenv)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("%w: user list|disable NAME|enable NAME|delete NAME|reset-2fa NAME", errUsage)
	}
	verb, rest := pos[0], pos[1:]
	wantArgs := 1
	if verb == "list" {
		wantArgs = 0
	}
	if len(rest) != wantArgs {
		return fmt.Errorf("%w: user %s takes %d argument(s)", errUsage, verb, wantArgs)
	}
	st, err := openStore(ctx, *data, db)
	if err != nil {
		return err
	}
	defer st.Close()
	switch verb {
	case "list":
		us, err := st.ListUsers(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		// BYTES is what the quota counts: blobs plus a per-row overhead,
		// tombstones included (SPEC §7.6).
		fmt.Fprintln(tw, "USERNAME\tID\tSTATE\tNOTES\tDELETED\tBYTES\tSESSIONS\tCREATED")
		for _, u := range us {
			state := "enabled"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", u.Username, u.UID, state, u.Notes, u.Tomb, u.UsedBytes, u.Sessions, u.Created.Format("2006-01-02"))
		}
		return tw.Flush()
	case "disable", "enable":
		if err := st.SetDisabled(ctx, rest[0], verb == "disable"); err != nil {
			return fmt.Errorf("%s %q: %w", verb, rest[0], err)
		}
		fmt.Fprintf(stdout, "%sd %s\n", verb, rest[0])
		return nil
	case "reset-2fa":
		if err := st.ResetTwoFactorByName(ctx, rest[0]); err != nil {
			return fmt.Errorf("reset two-factor sign-in of %q: %w", rest[0], err)
		}
		fmt.Fprintf(stdout, "two-factor sign-in turned off for %s\n", rest[0])
		return nil
	case "delete":
		if err := st.DeleteUserByName(ctx, rest[0]); err != nil {
			return fmt.Errorf("delete %q: %w", rest[0], err)
		}
		fmt.Fprintf(stdout, "deleted %s\n", rest[0])
		return nil
	}
	return fmt.Errorf("%w: unknown user command %q", errUsage, verb)
}

// runBackup writes a consistent copy of the database, online.
func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", stderr)
	data := fs.String("data", "", "data folder")
	out := fs.String("out", "", "file to write (must not exist)")
	var blobs string
	blobsFlag(fs, &blobs)
	if _, err := parse(fs, args, getenv); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: --out FILE is required", errUsage)
	}
	if getenv("CIPHERLEAF_DB") != "" {
		return fmt.Errorf("%w: backup copies the SQLite database of --data; back up PostgreSQL with pg_dump", errUsage)
	}
	d := dataDir(*data)
	if err := d.mustExist(); err != nil {
		return err
	}
	st, err := sqlite.Open(ctx, d.db(), sqlite.Options{ReadConn: 1})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, *out); err != nil {
		return err
	}
	src, err := openBlobs(ctx, d, blobs, getenv)
	if err != nil {
		return err
	}
	n, err := backupAttachments(ctx, src, *out, *out+".attachments")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up to %s (and %d attachments to %s.attachments)\n", *out, n, *out)
	return nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"cipherleaf.dev/server/blob"
	"cipherleaf.dev/server/blob/fsblob"
	"cipherleaf.dev/server/store/copydb"
	"cipherleaf.dev/server/store/postgres"
	"cipherleaf.dev/server/store/sqlite"
)

// runMigrateDB moves a whole server from the SQLite database of a data
// folder to an empty PostgreSQL database, and verifies the copy (row
// counts and SHA-256 over every table's rows, blobs included). The server
// must be stopped. The data folder keeps its secret, certificate and
// attachments: replicas start from copies of it, with --db.
func runMigrateDB(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate-db", stderr)
	from := fs.String("from", "", "sqlite:DIR, the data folder of the (stopped) server to move")
	to := fs.String("to", "", "postgres://… address of an empty database")
	var blobs string
	blobsFlag(fs, &blobs)
	if pos, err := parse(fs, args, getenv); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	dir, ok := strings.CutPrefix(*from, "sqlite:")
	if !ok || dir == "" {
		return fmt.Errorf("%w: --from sqlite:DIR is required", errUsage)
	}
	if *to == "" || !isPostgres(*to) {
		return fmt.Errorf("%w: --to postgres://… is required", errUsage)
	}
	d := dataDir(dir)
	if err := d.mustExist(); err != nil {
		return err
	}
	if _, err := os.Stat(d.db()); err != nil {
		return fmt.Errorf("open source database: %w", err)
	}
	// Bring the source up to the current schema, as serve would.
	st, err := sqlite.Open(ctx, d.db(), sqlite.Options{ReadConn: 1})
	if err != nil {
		return err
	}
	if err := st.Close(); err != nil {
		return err
	}
	src, err := sqlite.OpenReadOnly(d.db())
	if err != nil {
		return err
	}
	defer src.Close()
	var blobDst blob.Store
	if blobs != "" {
		if blobDst, err = openBlobs(ctx, d, blobs, getenv); err != nil {
			return err
		}
	}
	dst, err := postgres.Open(ctx, *to, postgres.Options{MaxConns: 2})
	if err != nil {
		return err
	}
	defer dst.Close()
	// Refuse a used database before copying any attachment; blobs go
	// first, so a failed blob copy leaves the database empty for a rerun.
	if empty, err := copydb.Empty(ctx, dst.Pool()); err != nil {
		return fmt.Errorf("migrate-db: %w", err)
	} else if !empty {
		return fmt.Errorf("migrate-db: %w: it must hold no accounts or notes; nothing was copied", copydb.ErrNotEmpty)
	}
	attNote := ""
	if blobDst != nil {
		list, err := sqlite.CompleteAttachmentsIn(ctx, d.db())
		if err != nil {
			return fmt.Errorf("migrate-db: %w", err)
		}
		fsrc, err := fsblob.New(d.attachments())
		if err != nil {
			return err
		}
		n, size, err := copyBlobs(ctx, fsrc, blobDst, list)
		if err != nil {
			return fmt.Errorf("migrate-db: %w (nothing was copied to the database; run it again)", err)
		}
		fmt.Fprintf(stdout, "attachments: %d blobs, %d bytes copied to --blobs and verified (SHA-256 read back)\n", n, size)
	} else {
		attNote = fmt.Sprintf("attachments stay in %s/attachments (give --blobs s3://… to copy them to a bucket)", dir)
	}
	rep, err := copydb.Copy(ctx, src, dst.Pool())
	if errors.Is(err, copydb.ErrNotEmpty) {
		return fmt.Errorf("migrate-db: %w: it must hold no accounts or notes; nothing was copied", err)
	}
	if err != nil {
		return fmt.Errorf("migrate-db: %w", err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tROWS\tSHA-256 (both sides)")
	for _, r := range rep {
		fmt.Fprintf(tw, "%s\t%d\t%x\n", r.Table, r.Rows, r.SHA256)
	}
	tw.Flush()
	if attNote != "" {
		fmt.Fprintln(stdout, attNote)
	}
	fmt.Fprintf(stdout, "verified: every row copied. Start the server with --data %s --db <the same address>;\n", dir)
	fmt.Fprintln(stdout, "further replicas start from copies of secret.key, tls-cert.pem and tls-key.pem of that folder.")
	return nil
}

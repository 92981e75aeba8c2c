package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/blob"
	"cipherleaf.dev/server/blob/fsblob"
	"cipherleaf.dev/server/httpapi"
	"cipherleaf.dev/server/store/sqlite"
	"cipherleaf.dev/shared/protocol"
)

// attachmentFlags configure attachments (SPEC §7.7).
type attachmentFlags struct {
	blobs string        // --blobs: s3://… or "" for the data folder
	max   sizeValue     // largest attachment content
	grace time.Duration // how long a released or abandoned blob is kept
	every time.Duration // how often the collector runs
}

func (f *attachmentFlags) register(fs *flag.FlagSet) {
	f.max = protocol.MaxAttachmentSize
	blobsFlag(fs, &f.blobs)
	fs.Var(&f.max, "max-attachment", "largest attachment (bytes, or with KiB/MiB/GiB)")
	fs.DurationVar(&f.grace, "attachment-grace", 24*time.Hour, "keep released or abandoned attachments this long")
	fs.DurationVar(&f.every, "attachment-gc-every", 10*time.Minute, "how often released attachments are collected")
}

func (f *attachmentFlags) check() error {
	switch {
	case f.max <= 0 || f.max > protocol.MaxAttachmentFormat:
		return fmt.Errorf("%w: --max-attachment must be 1 byte to 1 TiB", errUsage)
	case checkBlobs(f.blobs) != nil:
		return checkBlobs(f.blobs)
	case f.grace < 0 || f.every <= 0:
		return fmt.Errorf("%w: --attachment-grace and --attachment-gc-every must be positive", errUsage)
	}
	return nil
}

func (d dataDir) attachments() string { return filepath.Join(string(d), "attachments") }

// startAttachments opens the blob store (--blobs, else the data folder)
// and runs the collector until ctx ends; stop waits for it.
func startAttachments(ctx context.Context, d dataDir, st server.Store, f attachmentFlags, getenv func(string) string, log *slog.Logger) (bs blob.Store, stop func(), err error) {
	fsb, err := openBlobs(ctx, d, f.blobs, getenv)
	if err != nil {
		return nil, nil, err
	}
	return fsb, every(ctx, f.every, func(ctx context.Context) {
		n, err := httpapi.CollectAttachments(ctx, st, fsb, time.Now(), f.grace)
		if err != nil && ctx.Err() == nil {
			log.Error("collect attachments", "err", err)
		} else if n > 0 {
			log.Info("collected attachments", "count", n)
		}
	}), nil
}

// backupAttachments copies the blob of every complete attachment the
// backup database at dbPath lists from src (the data folder's store, or
// the --blobs bucket) into a blob store at dir. Blobs are
// write-once, so a copy taken after the database snapshot is the snapshot's
// blob; one collected meanwhile (released before the snapshot) is dropped
// from the backup instead.
func backupAttachments(ctx context.Context, src blob.Store, dbPath, dir string) (int, error) {
	dst, err := fsblob.New(dir)
	if err != nil {
		return 0, err
	}
	list, err := sqlite.CompleteAttachmentsIn(ctx, dbPath)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range list {
		obj, err := src.Open(ctx, a.BlobKey())
		if err != nil {
			if a.Released.IsZero() {
				return n, fmt.Errorf("back up attachment %s: %w", a.ID, err)
			}
			if err := sqlite.DropAttachmentIn(ctx, dbPath, a); err != nil {
				return n, err
			}
			continue
		}
		_, err = dst.Append(ctx, a.BlobKey(), 0, io.LimitReader(obj, a.Size), a.Size)
		obj.Close()
		if err != nil {
			return n, fmt.Errorf("back up attachment %s: %w", a.ID, err)
		}
		if err := dst.Commit(ctx, a.BlobKey()); err != nil {
			return n, fmt.Errorf("back up attachment %s: %w", a.ID, err)
		}
		n++
	}
	return n, nil
}

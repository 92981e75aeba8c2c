package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"cipherleaf.dev/server/blob"
	"cipherleaf.dev/server/blob/fsblob"
	"cipherleaf.dev/server/blob/s3blob"
)

// blobsFlag registers --blobs (CIPHERLEAF_BLOBS): where attachment bytes
// live. Empty means the data folder's attachments/ (the default).
func blobsFlag(fs *flag.FlagSet, s *string) {
	fs.StringVar(s, "blobs", "", "attachment store shared by replicas: s3://BUCKET[/PREFIX]?endpoint=HOST:PORT[&region=R][&insecure=1], credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; default: the data folder")
}

func checkBlobs(s string) error {
	if s == "" {
		return nil
	}
	if !strings.HasPrefix(s, "s3://") {
		return fmt.Errorf("%w: --blobs must be an s3:// address (the data folder is the default: leave --blobs out)", errUsage)
	}
	if _, err := s3blob.ParseURL(s); err != nil {
		return fmt.Errorf("%w: --blobs: %w", errUsage, err)
	}
	return nil
}

// openBlobs opens the attachment store: the S3 bucket of addr (with the
// credentials from the environment) or the data folder's.
func openBlobs(ctx context.Context, d dataDir, addr string, getenv func(string) string) (blob.Store, error) {
	if err := checkBlobs(addr); err != nil {
		return nil, err
	}
	if addr == "" {
		return fsblob.New(d.attachments())
	}
	cfg, _ := s3blob.ParseURL(addr) // checked above
	cfg.AccessKey, cfg.SecretKey = getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	return s3blob.New(ctx, cfg)
}

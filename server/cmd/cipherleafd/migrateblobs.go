package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/blob"
)

// copyBlobs copies the blob of every listed (complete) attachment from src
// to dst and verifies it: the SHA-256 of what dst serves back must equal
// the SHA-256 read from src. It returns how many blobs and bytes it copied.
func copyBlobs(ctx context.Context, src, dst blob.Store, list []server.Attachment) (n int, size int64, err error) {
	for _, a := range list {
		key := a.BlobKey()
		o, err := src.Open(ctx, key)
		if err != nil {
			return n, size, fmt.Errorf("copy attachment %s: %w", a.ID, err)
		}
		h := sha256.New()
		// An upload of the same key left in dst by an earlier, failed run
		// is replaced.
		if err := dst.Delete(ctx, key); err != nil {
			o.Close()
			return n, size, fmt.Errorf("copy attachment %s: %w", a.ID, err)
		}
		got, err := dst.Append(ctx, key, 0, io.TeeReader(o, h), o.Size())
		o.Close()
		if err != nil {
			return n, size, fmt.Errorf("copy attachment %s: %w", a.ID, err)
		}
		if got != a.Size {
			return n, size, fmt.Errorf("copy attachment %s: %d bytes copied, %d recorded", a.ID, got, a.Size)
		}
		if err := dst.Commit(ctx, key); err != nil {
			return n, size, fmt.Errorf("copy attachment %s: %w", a.ID, err)
		}
		want := h.Sum(nil)
		back, err := dst.Open(ctx, key)
		if err != nil {
			return n, size, fmt.Errorf("verify attachment %s: %w", a.ID, err)
		}
		h.Reset()
		_, err = io.Copy(h, back)
		back.Close()
		if err != nil {
			return n, size, fmt.Errorf("verify attachment %s: %w", a.ID, err)
		}
		if !bytes.Equal(h.Sum(nil), want) {
			return n, size, fmt.Errorf("verify attachment %s: the copy's SHA-256 differs", a.ID)
		}
		n++
		size += got
	}
	return n, size, nil
}

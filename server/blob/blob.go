// Package blob declares where attachment blobs live (SPEC §7.7, §11): a
// Store of opaque, write-once byte strings named by key, filled by
// resumable appends. Implementations: fsblob (files under the data folder)
// and s3blob (an S3-compatible bucket shared by replicas, SPEC §7.9). The
// server never reads inside a blob.
package blob

import (
	"context"
	"errors"
	"io"
	"time"
)

// Errors a Store returns.
var (
	// ErrNotFound: no complete blob (Open) or no blob at all (Commit).
	ErrNotFound = errors.New("blob not found")
	// ErrOffset: an append does not start where the partial blob ends.
	ErrOffset = errors.New("upload offset is not the current one")
	// ErrTooLong: an append brought more bytes than allowed; none of them were kept.
	ErrTooLong = errors.New("upload longer than declared")
)

// Object is a complete blob opened for reading.
type Object interface {
	io.ReadSeekCloser
	Size() int64
	ModTime() time.Time
}

// Store holds blobs. Keys are opaque strings chosen by the caller. Safe for
// concurrent use; appends to one key are serialized.
type Store interface {
	// Stat reports how many bytes of key are held and whether the blob is
	// complete (committed). An unknown key is 0, false.
	Stat(ctx context.Context, key string) (length int64, complete bool, err error)
	// Append adds at most max bytes read from r to the partial blob key,
	// which must hold exactly offset bytes (else ErrOffset). A read error
	// keeps what arrived before it, so an upload resumes from there; more
	// than max bytes is ErrTooLong and keeps nothing of this call.
	Append(ctx context.Context, key string, offset int64, r io.Reader, max int64) (length int64, err error)
	// Commit makes the partial blob key complete and durable before it returns.
	Commit(ctx context.Context, key string) error
	// Open returns the complete blob key.
	Open(ctx context.Context, key string) (Object, error)
	// Delete removes key, partial or complete; an unknown key is no error.
	Delete(ctx context.Context, key string) error
}

// Package s3blob is a blob.Store in any S3-compatible object store
// (SPEC §7.7, §7.9), through minio-go and only the portable S3 calls
// (PUT, GET, HEAD, DELETE, list, copy): no vendor extension.
//
// S3 objects cannot be appended to, so a partial blob is a run of part
// objects, one per Append, named by the offset it starts at:
//
//	PREFIX/partial/<sha256 of key>/<offset, 20 digits>
//
// and Commit concatenates them into PREFIX/blobs/<sha256 of key> (a
// server-side copy when there is one part, else a streamed re-upload:
// multipart copy would need parts of 5 MiB), then deletes the parts. An
// S3 PUT is durable when it returns. Every replica sees the same state;
// appends to one key are serialized within a replica (a client uploads
// an attachment from one connection at a time).
package s3blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"cipherleaf.dev/server/blob"
)

// Config names a bucket and how to reach it.
type Config struct {
	Endpoint  string // host[:port]
	Bucket    string
	Prefix    string // object name prefix, "" or ending in "/"
	Region    string // "" lets the client ask
	Secure    bool   // HTTPS (default true in ParseURL)
	AccessKey string
	SecretKey string
	// SpoolDir holds an Append's bytes while they are uploaded (os.TempDir
	// if empty), so a broken upload keeps what arrived.
	SpoolDir string
}

// ParseURL reads --blobs s3://BUCKET[/PREFIX]?endpoint=HOST:PORT[&region=R][&insecure=1].
// Credentials are not in the URL: the caller passes them from the
// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return Config{}, fmt.Errorf("parse blob store %q: want s3://BUCKET[/PREFIX]?endpoint=HOST:PORT", raw)
	}
	if u.User != nil {
		return Config{}, errors.New("parse blob store: credentials do not go in the URL (use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
	}
	q := u.Query()
	c := Config{Endpoint: q.Get("endpoint"), Bucket: u.Host, Region: q.Get("region"), Secure: q.Get("insecure") != "1"}
	if c.Endpoint == "" {
		return Config{}, fmt.Errorf("parse blob store %q: endpoint=HOST:PORT is required", raw)
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		c.Prefix = p + "/"
	}
	return c, nil
}

// Store keeps blobs in one bucket.
type Store struct {
	c      *minio.Client
	bucket string
	prefix string
	spool  string

	locks blob.KeyLocks // per-key append/commit/delete lock, in this process only
}

var _ blob.Store = (*Store)(nil)

// New connects to the bucket of cfg, which must exist.
func New(ctx context.Context, cfg Config) (*Store, error) {
	c, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.Secure,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("open blob store: %w", err)
	}
	ok, err := c.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("open blob store: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("open blob store: bucket %q does not exist", cfg.Bucket)
	}
	spool := cfg.SpoolDir
	if spool == "" {
		spool = os.TempDir()
	}
	return &Store{c: c, bucket: cfg.Bucket, prefix: cfg.Prefix, spool: spool}, nil
}

func name(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

func (s *Store) finalName(key string) string     { return s.prefix + "blobs/" + name(key) }
func (s *Store) partialPrefix(key string) string { return s.prefix + "partial/" + name(key) + "/" }
func (s *Store) partName(key string, off int64) string {
	return fmt.Sprintf("%s%020d", s.partialPrefix(key), off)
}

// notFound classifies an S3 error by its code, never by message text.
func notFound(err error) bool {
	switch minio.ToErrorResponse(err).Code {
	case "NoSuchKey", "NotFound":
		return true
	}
	return false
}

type part struct {
	name      string
	off, size int64
}

// parts lists key's part objects in offset order, keeping the run that is
// contiguous from 0.
func (s *Store) parts(ctx context.Context, key string) ([]part, int64, error) {
	var all []part
	for o := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.partialPrefix(key)}) {
		if o.Err != nil {
			return nil, 0, fmt.Errorf("list blob parts: %w", o.Err)
		}
		off, err := strconv.ParseInt(strings.TrimPrefix(o.Key, s.partialPrefix(key)), 10, 64)
		if err != nil {
			continue // not ours
		}
		all = append(all, part{o.Key, off, o.Size})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].off < all[j].off })
	var length int64
	for i, p := range all {
		if p.off != length {
			return all[:i], length, nil
		}
		length += p.size
	}
	return all, length, nil
}

// Stat implements blob.Store.
func (s *Store) Stat(ctx context.Context, key string) (int64, bool, error) {
	info, err := s.c.StatObject(ctx, s.bucket, s.finalName(key), minio.StatObjectOptions{})
	if err == nil {
		return info.Size, true, nil
	}
	if !notFound(err) {
		return 0, false, fmt.Errorf("stat blob: %w", err)
	}
	_, length, err := s.parts(ctx, key)
	return length, false, err
}

// Append implements blob.Store: the bytes are spooled to a temporary file
// (so a read error keeps what arrived) and uploaded as one part object.
func (s *Store) Append(ctx context.Context, key string, offset int64, r io.Reader, max int64) (int64, error) {
	defer s.locks.Lock(key)()
	_, length, err := s.parts(ctx, key)
	if err != nil {
		return 0, err
	}
	if length != offset {
		return length, blob.ErrOffset
	}
	f, err := os.CreateTemp(s.spool, "cipherleaf-s3-append-*")
	if err != nil {
		return offset, fmt.Errorf("spool blob: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	n, rerr := io.Copy(f, io.LimitReader(r, max+1))
	if n > max {
		return offset, blob.ErrTooLong
	}
	if n > 0 || offset == 0 { // an empty first part marks an empty partial blob
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return offset, fmt.Errorf("spool blob: %w", err)
		}
		// Uploaded under our own context: bytes that arrived are kept
		// even when the client went away.
		if _, err := s.c.PutObject(context.WithoutCancel(ctx), s.bucket, s.partName(key, offset), f, n,
			minio.PutObjectOptions{ContentType: "application/octet-stream"}); err != nil {
			return offset, fmt.Errorf("append to blob: %w", err)
		}
	}
	if rerr != nil {
		return offset + n, fmt.Errorf("append to blob: %w", rerr)
	}
	return offset + n, nil
}

// Commit implements blob.Store.
func (s *Store) Commit(ctx context.Context, key string) error {
	defer s.locks.Lock(key)()
	parts, _, err := s.parts(ctx, key)
	if err != nil {
		return err
	}
	if len(parts) == 0 {
		if _, err := s.c.StatObject(ctx, s.bucket, s.finalName(key), minio.StatObjectOptions{}); err == nil {
			return nil // committed already
		} else if !notFound(err) {
			return fmt.Errorf("commit blob: %w", err)
		}
		return blob.ErrNotFound
	}
	if len(parts) == 1 {
		_, err = s.c.CopyObject(ctx, minio.CopyDestOptions{Bucket: s.bucket, Object: s.finalName(key)},
			minio.CopySrcOptions{Bucket: s.bucket, Object: parts[0].name})
	} else {
		var size int64
		for _, p := range parts {
			size += p.size
		}
		pr, pw := io.Pipe()
		go func() {
			for _, p := range parts {
				o, err := s.c.GetObject(ctx, s.bucket, p.name, minio.GetObjectOptions{})
				if err != nil {
					pw.CloseWithError(err)
					return
				}
				_, err = io.Copy(pw, o)
				o.Close()
				if err != nil {
					pw.CloseWithError(err)
					return
				}
			}
			pw.Close()
		}()
		_, err = s.c.PutObject(ctx, s.bucket, s.finalName(key), pr, size, minio.PutObjectOptions{ContentType: "application/octet-stream"})
		pr.CloseWithError(errors.New("commit ended"))
	}
	if err != nil {
		return fmt.Errorf("commit blob: %w", err)
	}
	for _, p := range parts {
		if err := s.c.RemoveObject(ctx, s.bucket, p.name, minio.RemoveObjectOptions{}); err != nil {
			return fmt.Errorf("commit blob: remove part: %w", err)
		}
	}
	return nil
}

// object adapts a minio object to blob.Object.
type object struct {
	*minio.Object
	size int64
	mod  time.Time
}

func (o *object) Size() int64        { return o.size }
func (o *object) ModTime() time.Time { return o.mod }

// Open implements blob.Store.
func (s *Store) Open(ctx context.Context, key string) (blob.Object, error) {
	o, err := s.c.GetObject(ctx, s.bucket, s.finalName(key), minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("open blob: %w", err)
	}
	info, err := o.Stat()
	if err != nil {
		o.Close()
		if notFound(err) {
			return nil, blob.ErrNotFound
		}
		return nil, fmt.Errorf("open blob: %w", err)
	}
	return &object{Object: o, size: info.Size, mod: info.LastModified}, nil
}

// Delete implements blob.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	defer s.locks.Lock(key)()
	if err := s.c.RemoveObject(ctx, s.bucket, s.finalName(key), minio.RemoveObjectOptions{}); err != nil && !notFound(err) {
		return fmt.Errorf("delete blob: %w", err)
	}
	parts, _, err := s.parts(ctx, key)
	if err != nil {
		return err
	}
	for _, p := range parts {
		if err := s.c.RemoveObject(ctx, s.bucket, p.name, minio.RemoveObjectOptions{}); err != nil && !notFound(err) {
			return fmt.Errorf("delete blob: %w", err)
		}
	}
	return nil
}

// Package fsblob is a blob.Store of files under one folder (SPEC §7.7):
// complete blobs at ab/cd/<sha256 of key>, partial ones at
// partial/<sha256 of key>. A blob is fsynced, renamed into place and its
// folder fsynced before Commit returns.
package fsblob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"cipherleaf.dev/server/blob"
	"cipherleaf.dev/shared/writeback"
)

// Store keeps blobs in files under a root folder.
type Store struct {
	root string

	locks blob.KeyLocks // per-key append/commit/delete lock
}

var _ blob.Store = (*Store)(nil)

// New returns a Store rooted at dir, creating it (mode 0700) if needed.
func New(dir string) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, "partial"), 0o700); err != nil {
		return nil, fmt.Errorf("create blob folder: %w", err)
	}
	return &Store{root: dir}, nil
}

// Root returns the folder the store lives in.
func (s *Store) Root() string { return s.root }

func name(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

func (s *Store) finalPath(key string) string {
	n := name(key)
	return filepath.Join(s.root, n[0:2], n[2:4], n)
}

func (s *Store) partialPath(key string) string {
	return filepath.Join(s.root, "partial", name(key))
}

// Stat implements blob.Store.
func (s *Store) Stat(_ context.Context, key string) (int64, bool, error) {
	if fi, err := os.Stat(s.finalPath(key)); err == nil {
		return fi.Size(), true, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return 0, false, fmt.Errorf("stat blob: %w", err)
	}
	fi, err := os.Stat(s.partialPath(key))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("stat blob: %w", err)
	}
	return fi.Size(), false, nil
}

// appendBuffer is the copy buffer of Append: the body arrives in HTTP/2
// frames of 16 KiB, and larger writes cost fewer system calls.
const appendBuffer = 256 << 10

// Append implements blob.Store.
func (s *Store) Append(_ context.Context, key string, offset int64, r io.Reader, max int64) (int64, error) {
	defer s.locks.Lock(key)()
	f, err := os.OpenFile(s.partialPath(key), os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return 0, fmt.Errorf("open partial blob: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("stat partial blob: %w", err)
	}
	if fi.Size() != offset {
		return fi.Size(), blob.ErrOffset
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return offset, fmt.Errorf("seek partial blob: %w", err)
	}
	n, err := io.CopyBuffer(writeback.New(f, offset), io.LimitReader(r, max+1), make([]byte, appendBuffer))
	if n > max {
		if terr := f.Truncate(offset); terr != nil {
			return offset, fmt.Errorf("truncate partial blob: %w", terr)
		}
		return offset, blob.ErrTooLong
	}
	if err != nil {
		return offset + n, fmt.Errorf("append to blob: %w", err)
	}
	return offset + n, nil
}

// Commit implements blob.Store.
func (s *Store) Commit(_ context.Context, key string) error {
	defer s.locks.Lock(key)()
	part, final := s.partialPath(key), s.finalPath(key)
	f, err := os.Open(part)
	if errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(final); err == nil {
			return nil // committed already
		}
		return blob.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("open partial blob: %w", err)
	}
	err = f.Sync()
	f.Close()
	if err != nil {
		return fmt.Errorf("sync blob: %w", err)
	}
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create blob folder: %w", err)
	}
	if err := os.Rename(part, final); err != nil {
		return fmt.Errorf("commit blob: %w", err)
	}
	for _, d := range []string{dir, filepath.Dir(part)} {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open blob folder: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync blob folder: %w", err)
	}
	return nil
}

type object struct {
	*os.File
	size int64
	mod  time.Time
}

func (o object) Size() int64        { return o.size }
func (o object) ModTime() time.Time { return o.mod }

// Open implements blob.Store.
func (s *Store) Open(_ context.Context, key string) (blob.Object, error) {
	f, err := os.Open(s.finalPath(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, blob.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("open blob: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("stat blob: %w", err)
	}
	return object{File: f, size: fi.Size(), mod: fi.ModTime()}, nil
}

// Delete implements blob.Store.
func (s *Store) Delete(_ context.Context, key string) error {
	defer s.locks.Lock(key)()
	for _, p := range []string{s.finalPath(key), s.partialPath(key)} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("delete blob: %w", err)
		}
	}
	return nil
}

// Package blobtest is the conformance suite of blob.Store: every
// implementation (fsblob, s3blob) runs it against a real store.
package blobtest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"cipherleaf.dev/server/blob"
)

// failingReader returns data and then an error, like a dropped connection.
type failingReader struct{ r io.Reader }

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errors.New("connection reset")
	}
	return n, err
}

// Run checks s, an empty store, against the blob.Store contract.
func Run(t *testing.T, s blob.Store) {
	ctx := context.Background()
	const key = "user/attachment"
	data := bytes.Repeat([]byte("0123456789"), 1000)

	t.Run("unknown", func(t *testing.T) {
		if n, done, err := s.Stat(ctx, "nope"); n != 0 || done || err != nil {
			t.Errorf("Stat(unknown) = %d, %v, %v", n, done, err)
		}
		if _, err := s.Open(ctx, "nope"); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Open(unknown) = %v, want ErrNotFound", err)
		}
		if err := s.Commit(ctx, "nope"); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Commit(unknown) = %v, want ErrNotFound", err)
		}
	})
	t.Run("interrupted append keeps what arrived", func(t *testing.T) {
		n, err := s.Append(ctx, key, 0, &failingReader{bytes.NewReader(data[:3000])}, int64(len(data)))
		if err == nil || n != 3000 {
			t.Fatalf("Append = %d, %v, want 3000 and an error", n, err)
		}
		if got, done, _ := s.Stat(ctx, key); got != 3000 || done {
			t.Errorf("Stat = %d, %v, want 3000, false", got, done)
		}
	})
	t.Run("wrong offset", func(t *testing.T) {
		if _, err := s.Append(ctx, key, 0, bytes.NewReader(data), int64(len(data))); !errors.Is(err, blob.ErrOffset) {
			t.Errorf("Append at 0 = %v, want ErrOffset", err)
		}
	})
	t.Run("too long keeps nothing", func(t *testing.T) {
		if _, err := s.Append(ctx, key, 3000, bytes.NewReader(data[3000:]), 10); !errors.Is(err, blob.ErrTooLong) {
			t.Errorf("Append = %v, want ErrTooLong", err)
		}
		if got, _, _ := s.Stat(ctx, key); got != 3000 {
			t.Errorf("Stat after a refused append = %d, want 3000", got)
		}
	})
	t.Run("resume, commit, read, range", func(t *testing.T) {
		n, err := s.Append(ctx, key, 3000, bytes.NewReader(data[3000:]), int64(len(data)-3000))
		if err != nil || n != int64(len(data)) {
			t.Fatalf("Append = %d, %v", n, err)
		}
		if _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Open before Commit = %v, want ErrNotFound", err)
		}
		if err := s.Commit(ctx, key); err != nil {
			t.Fatal(err)
		}
		if got, done, _ := s.Stat(ctx, key); got != int64(len(data)) || !done {
			t.Errorf("Stat = %d, %v", got, done)
		}
		o, err := s.Open(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		defer o.Close()
		got, _ := io.ReadAll(o)
		if !bytes.Equal(got, data) || o.Size() != int64(len(data)) {
			t.Error("read back differs")
		}
		if _, err := o.Seek(5, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 3)
		io.ReadFull(o, buf)
		if string(buf) != "567" {
			t.Errorf("read at 5 = %q", buf)
		}
	})
	t.Run("empty blob", func(t *testing.T) {
		const empty = "user/empty"
		if n, err := s.Append(ctx, empty, 0, bytes.NewReader(nil), 10); n != 0 || err != nil {
			t.Fatalf("Append(nothing) = %d, %v", n, err)
		}
		if err := s.Commit(ctx, empty); err != nil {
			t.Fatalf("Commit(empty) = %v", err)
		}
		if n, done, err := s.Stat(ctx, empty); n != 0 || !done || err != nil {
			t.Errorf("Stat(empty) = %d, %v, %v; want 0, true", n, done, err)
		}
		if err := s.Commit(ctx, empty); err != nil {
			t.Errorf("second Commit = %v, want nil (committed already)", err)
		}
	})
	t.Run("many appends", func(t *testing.T) {
		const k = "user/many"
		var off int64
		for i := 0; i < 5; i++ {
			chunk := data[i*2000 : (i+1)*2000]
			n, err := s.Append(ctx, k, off, bytes.NewReader(chunk), int64(len(chunk)))
			if err != nil || n != off+int64(len(chunk)) {
				t.Fatalf("Append %d = %d, %v", i, n, err)
			}
			off = n
		}
		if err := s.Commit(ctx, k); err != nil {
			t.Fatal(err)
		}
		o, err := s.Open(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(o)
		o.Close()
		if !bytes.Equal(got, data) {
			t.Errorf("read back %d bytes, differing from the 5 appends", len(got))
		}
		if err := s.Delete(ctx, k); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("delete", func(t *testing.T) {
		if err := s.Delete(ctx, key); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, key); err != nil {
			t.Errorf("second Delete = %v", err)
		}
		if n, done, _ := s.Stat(ctx, key); n != 0 || done {
			t.Errorf("Stat after Delete = %d, %v", n, done)
		}
	})
}

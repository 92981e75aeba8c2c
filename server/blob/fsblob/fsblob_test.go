package fsblob

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
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

func TestStore(t *testing.T) {
	ctx := context.Background()
	s, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
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
		if !strings.HasPrefix(s.finalPath(key), s.Root()) {
			t.Error("blob outside the root")
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

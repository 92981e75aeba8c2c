package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/blob"
	"cipherleaf.dev/server/blob/fsblob"
)

// flipping serves a blob with its first byte changed, as a store that
// corrupted what it was given would.
type flipping struct{ blob.Store }

type flippedObject struct {
	blob.Object
	first bool
}

func (o *flippedObject) Read(p []byte) (int, error) {
	n, err := o.Object.Read(p)
	if n > 0 && !o.first {
		p[0] ^= 1
		o.first = true
	}
	return n, err
}

func (f flipping) Open(ctx context.Context, key string) (blob.Object, error) {
	o, err := f.Store.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	return &flippedObject{Object: o}, nil
}

func TestCopyBlobs(t *testing.T) {
	ctx := context.Background()
	src, _ := fsblob.New(t.TempDir())
	var list []server.Attachment
	for i, size := range []int{0, 1, 70000} {
		a := server.Attachment{UserUID: "u", ID: noteID(i), Size: int64(size), Complete: true}
		data := bytes.Repeat([]byte{byte(i + 1)}, size)
		if _, err := src.Append(ctx, a.BlobKey(), 0, bytes.NewReader(data), int64(size)); err != nil {
			t.Fatal(err)
		}
		if err := src.Commit(ctx, a.BlobKey()); err != nil {
			t.Fatal(err)
		}
		list = append(list, a)
	}
	dst, _ := fsblob.New(t.TempDir())
	n, size, err := copyBlobs(ctx, src, dst, list)
	if err != nil || n != 3 || size != 70001 {
		t.Fatalf("copyBlobs = %d, %d, %v; want 3 blobs, 70001 bytes", n, size, err)
	}
	o, err := dst.Open(ctx, list[2].BlobKey())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(o)
	o.Close()
	if !bytes.Equal(got, bytes.Repeat([]byte{3}, 70000)) {
		t.Error("copied blob differs")
	}
	bad, _ := fsblob.New(t.TempDir())
	if _, _, err := copyBlobs(ctx, src, flipping{bad}, list[1:]); err == nil || !strings.Contains(err.Error(), "SHA-256 differs") {
		t.Errorf("copyBlobs into a corrupting store = %v, want a SHA-256 mismatch", err)
	}
}

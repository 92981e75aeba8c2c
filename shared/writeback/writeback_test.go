package writeback

import (
	"bytes"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteback: bytes written through a writeback writer, from the
// start of a file or after a kept prefix, land as written, across several
// writeback ranges.
func TestWriteback(t *testing.T) {
	data := make([]byte, 2*every+12345)
	rand.Read(data)
	for _, tc := range []struct {
		name   string
		prefix int64
	}{{"from the start", 0}, {"after a prefix", 100_000}} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "f")
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.Write(data[:tc.prefix]); err != nil {
				t.Fatal(err)
			}
			w := New(f, tc.prefix)
			if _, ok := w.(*writer); !ok {
				t.Fatalf("New(*os.File) = %T, want *writer", w)
			}
			if _, err := io.CopyBuffer(w, bytes.NewReader(data[tc.prefix:]), make([]byte, 1<<20)); err != nil {
				t.Fatal(err)
			}
			if ww := w.(*writer); ww.off != int64(len(data)) || ww.off-ww.from >= every {
				t.Errorf("after %d bytes: at %d, %d not handed to writeback, want at most %d", len(data), ww.off, ww.off-ww.from, every-1)
			}
			if err := f.Sync(); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) {
				t.Errorf("file holds %d bytes, want the %d written", len(got), len(data))
			}
		})
	}
	var buf bytes.Buffer
	if w := New(&buf, 0); w != io.Writer(&buf) {
		t.Errorf("New(*bytes.Buffer) = %T, want the buffer itself", w)
	}
}

package attach

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
	data := make([]byte, 2*writebackEvery+12345)
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
			w := newWriteback(f, tc.prefix)
			if _, ok := w.(*writeback); !ok {
				t.Fatalf("newWriteback(*os.File) = %T, want *writeback", w)
			}
			if _, err := io.CopyBuffer(w, bytes.NewReader(data[tc.prefix:]), make([]byte, 1<<20)); err != nil {
				t.Fatal(err)
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
	if w := newWriteback(&buf, 0); w != io.Writer(&buf) {
		t.Errorf("newWriteback(*bytes.Buffer) = %T, want the buffer itself", w)
	}
}

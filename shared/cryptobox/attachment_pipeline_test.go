package cryptobox

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"runtime"
	"testing"
	"time"
)

// The writer and reader hash on another goroutine while they seal or open
// (hashAside). These tests check that every chunk is still hashed, in
// order, and that no goroutine outlives a call, also after a failure
// mid-blob.

const pipelineChunks = 5

// TestAttachmentReaderHashesEveryChunk: a content hash that differs from
// the true one in only the first, a middle, or only the last chunk fails
// at the end, after the chunks were released.
func TestAttachmentReaderHashesEveryChunk(t *testing.T) {
	k, err := NewAttachmentKey()
	if err != nil {
		t.Fatal(err)
	}
	loc := AttachmentLocation{UserID: testUser, AttachmentID: testAtt}
	content := vectorContent(pipelineChunks*attachmentChunk - 100)
	blob := sealTest(t, k, loc, content)
	for _, tc := range []struct {
		name string
		at   int
	}{{"first chunk", 10}, {"middle chunk", 2*attachmentChunk + 7}, {"last chunk", len(content) - 1}} {
		t.Run(tc.name, func(t *testing.T) {
			other := bytes.Clone(content)
			other[tc.at] ^= 1
			got, err := openTest(k, loc, int64(len(content)), sha256.Sum256(other), blob)
			if !errors.Is(err, ErrOpen) {
				t.Fatalf("open with the hash of content changed at %d = %v, want ErrOpen", tc.at, err)
			}
			if !bytes.Equal(got, content) {
				t.Errorf("released %d bytes before failing, want all %d (each chunk authenticated)", len(got), len(content))
			}
		})
	}
	got, err := openTest(k, loc, int64(len(content)), sha256.Sum256(content), blob)
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("open with the true hash: err %v, equal %v", err, bytes.Equal(got, content))
	}
}

// TestAttachmentReaderStopsMidBlob: a chunk tampered in the middle stops
// the reader there: only the chunks before it are released, and no
// goroutine is left behind.
func TestAttachmentReaderStopsMidBlob(t *testing.T) {
	k, err := NewAttachmentKey()
	if err != nil {
		t.Fatal(err)
	}
	loc := AttachmentLocation{UserID: testUser, AttachmentID: testAtt}
	content := vectorContent(pipelineChunks * attachmentChunk)
	blob := sealTest(t, k, loc, content)
	blob[16+2*(attachmentChunk+TagSize)+5] ^= 1 // inside chunk 2
	before := runtime.NumGoroutine()
	got, err := openTest(k, loc, int64(len(content)), sha256.Sum256(content), blob)
	if !errors.Is(err, ErrOpen) {
		t.Fatalf("open of a blob with chunk 2 tampered = %v, want ErrOpen", err)
	}
	if !bytes.Equal(got, content[:2*attachmentChunk]) {
		t.Errorf("released %d bytes, want the %d of chunks 0 and 1", len(got), 2*attachmentChunk)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after the failed open, %d before", n, before)
	}
}

// failAfter accepts n bytes, then fails every write.
type failAfter struct{ n int }

var errDisk = errors.New("disk full")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k := f.n
		f.n = 0
		return k, errDisk
	}
	f.n -= len(p)
	return len(p), nil
}

// TestAttachmentWriterStopsMidBlob: a destination that fails at chunk 2
// fails Write with its error, every later Write and Close too, and no
// goroutine is left behind.
func TestAttachmentWriterStopsMidBlob(t *testing.T) {
	k, err := NewAttachmentKey()
	if err != nil {
		t.Fatal(err)
	}
	loc := AttachmentLocation{UserID: testUser, AttachmentID: testAtt}
	before := runtime.NumGoroutine()
	w, err := NewAttachmentWriter(&failAfter{n: 16 + 2*(attachmentChunk+TagSize) + 1}, k, loc)
	if err != nil {
		t.Fatal(err)
	}
	content := vectorContent(pipelineChunks * attachmentChunk)
	n, err := w.Write(content)
	if !errors.Is(err, errDisk) {
		t.Fatalf("Write = %d, %v, want %v", n, err, errDisk)
	}
	if n >= len(content) {
		t.Errorf("Write reports %d bytes taken, want fewer than %d", n, len(content))
	}
	if _, err := w.Write([]byte("more")); !errors.Is(err, errDisk) {
		t.Errorf("Write after the failure = %v, want %v", err, errDisk)
	}
	if err := w.Close(); !errors.Is(err, errDisk) {
		t.Errorf("Close after the failure = %v, want %v", err, errDisk)
	}
	// A hashing goroutine signals that it is done just before it returns,
	// so it may still be counted for a moment: wait, with a deadline.
	for deadline := time.Now().Add(5 * time.Second); ; {
		n := runtime.NumGoroutine()
		if n <= before {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("%d goroutines 5 s after the failed write, %d before", n, before)
			break
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond) // polling, bounded by the deadline
	}
}

// BenchmarkAttachmentReader is the whole opening path (authentication,
// padding check, SHA-256 of the content) from memory to io.Discard.
func BenchmarkAttachmentReader(b *testing.B) {
	var k AttachmentKey
	loc := AttachmentLocation{UserID: testUser, AttachmentID: testAtt}
	data := make([]byte, 1<<20)
	blob := sealTest(b, &k, loc, data)
	sum := sha256.Sum256(data)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r, err := NewAttachmentReader(bytes.NewReader(blob), &k, loc, int64(len(data)), sum)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

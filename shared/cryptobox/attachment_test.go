package cryptobox

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

const (
	testUser  = "5f0c8a4e-2d1b-4c3a-9e8f-7a6b5c4d3e2f"
	testUser2 = "6f0c8a4e-2d1b-4c3a-9e8f-7a6b5c4d3e2f"
	testAtt   = "0a1b2c3d-4e5f-4a6b-8c7d-000000000001"
	testAtt2  = "0a1b2c3d-4e5f-4a6b-8c7d-000000000002"
)

func sealTest(t testing.TB, k *AttachmentKey, loc AttachmentLocation, content []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := NewAttachmentWriter(&out, k, loc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func openTest(k *AttachmentKey, loc AttachmentLocation, size int64, sum [32]byte, blob []byte) ([]byte, error) {
	r, err := NewAttachmentReader(bytes.NewReader(blob), k, loc, size, sum)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func TestAttachmentRoundTrip(t *testing.T) {
	k, err := NewAttachmentKey()
	if err != nil {
		t.Fatal(err)
	}
	loc := AttachmentLocation{UserID: testUser, AttachmentID: testAtt}
	for _, n := range []int{0, 1, 511, 512, 513, 65535, 65536, 65537, 131072, 131073, 300000} {
		content := vectorContent(int64(n))
		blob := sealTest(t, k, loc, content)
		got, err := openTest(k, loc, int64(n), sha256.Sum256(content), blob)
		if err != nil || !bytes.Equal(got, content) {
			t.Errorf("round trip of %d bytes: err %v, equal %v", n, err, bytes.Equal(got, content))
		}
	}
}

// TestAttachmentTamper: every change to a blob, or opening it as anything
// else than what it is, fails with ErrOpen (SPEC §11.2).
func TestAttachmentTamper(t *testing.T) {
	k, _ := NewAttachmentKey()
	k2, _ := NewAttachmentKey()
	loc := AttachmentLocation{UserID: testUser, AttachmentID: testAtt}
	content := vectorContent(3*65536 + 100) // 4 chunks
	sum := sha256.Sum256(content)
	size := int64(len(content))
	blob := sealTest(t, k, loc, content)
	other := sealTest(t, k, AttachmentLocation{UserID: testUser, AttachmentID: testAtt2}, content)
	const sc = 65536 + TagSize // sealed chunk
	chunk := func(b []byte, i int) []byte { return b[16+i*sc : 16+(i+1)*sc] }
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	hdr := blob[:16]
	flip := func(i int) []byte { b := bytes.Clone(blob); b[i] ^= 1; return b }
	bigger := vectorContent(5 * 65536)
	tests := []struct {
		name string
		blob []byte
		k    *AttachmentKey
		loc  AttachmentLocation
		size int64
		sum  [32]byte
	}{
		{name: "flipped ciphertext bit", blob: flip(100)},
		{name: "flipped tag bit", blob: flip(16 + sc - 1)},
		{name: "flipped prefix bit", blob: flip(3)},
		{name: "flipped bit in last chunk", blob: flip(len(blob) - 20)},
		{name: "truncated at a chunk boundary", blob: blob[:16+3*sc]},
		{name: "truncated mid chunk", blob: blob[:len(blob)-1]},
		{name: "header only", blob: hdr},
		{name: "empty", blob: nil},
		{name: "extended by a byte", blob: cat(blob, []byte{0})},
		{name: "last chunk repeated", blob: cat(blob, chunk(blob, 3))},
		{name: "chunks 0 and 1 swapped", blob: cat(hdr, chunk(blob, 1), chunk(blob, 0), chunk(blob, 2), chunk(blob, 3))},
		{name: "chunk 1 duplicated over 2", blob: cat(hdr, chunk(blob, 0), chunk(blob, 1), chunk(blob, 1), chunk(blob, 3))},
		{name: "chunk spliced from another attachment", blob: cat(hdr, chunk(blob, 0), chunk(other, 1), chunk(blob, 2), chunk(blob, 3))},
		{name: "another attachment's blob", blob: other},
		{name: "opened as another attachment id", loc: AttachmentLocation{UserID: testUser, AttachmentID: testAtt2}},
		{name: "opened as another user", loc: AttachmentLocation{UserID: testUser2, AttachmentID: testAtt}},
		{name: "wrong key", k: k2},
		{name: "wrong hash", sum: sha256.Sum256([]byte("x"))},
		{name: "claimed shorter", size: size - 1},
		{name: "claimed one chunk fewer", size: 2*65536 + 5},
		{name: "claimed longer", size: int64(len(bigger))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, kk, l, sz, s := tt.blob, tt.k, tt.loc, tt.size, tt.sum
			if b == nil && tt.name != "empty" {
				b = blob
			}
			if kk == nil {
				kk = k
			}
			if l == (AttachmentLocation{}) {
				l = loc
			}
			if sz == 0 {
				sz = size
			}
			if s == ([32]byte{}) {
				s = sum
			}
			_, err := openTest(kk, l, sz, s, b)
			if !errors.Is(err, ErrOpen) {
				t.Errorf("open = %v, want ErrOpen", err)
			}
		})
	}
	t.Run("unknown version", func(t *testing.T) {
		b := bytes.Clone(blob)
		b[0] = 2
		if _, err := openTest(k, loc, size, sum, b); !errors.Is(err, ErrUnsupportedVersion) {
			t.Errorf("open = %v, want ErrUnsupportedVersion", err)
		}
	})
}

// TestAttachmentReaderNeverEOFEarly: content of a truncated blob may be
// returned, but never followed by io.EOF.
func TestAttachmentReaderNeverEOFEarly(t *testing.T) {
	k, _ := NewAttachmentKey()
	loc := AttachmentLocation{UserID: testUser, AttachmentID: testAtt}
	content := vectorContent(2*65536 + 7)
	blob := sealTest(t, k, loc, content)
	r, _ := NewAttachmentReader(bytes.NewReader(blob[:16+65552]), k, loc, int64(len(content)), sha256.Sum256(content))
	buf := make([]byte, 1000)
	var err error
	for err == nil {
		_, err = r.Read(buf)
	}
	if errors.Is(err, io.EOF) {
		t.Fatal("truncated blob ended with io.EOF")
	}
}

// FuzzOpenAttachment: no input panics, and only the genuine blob opens.
func FuzzOpenAttachment(f *testing.F) {
	var k AttachmentKey
	copy(k[:], testBytes("fuzz attachment", KeySize))
	loc := AttachmentLocation{UserID: testUser, AttachmentID: testAtt}
	for _, n := range []int{0, 1, 65536, 65537} {
		content := vectorContent(int64(n))
		f.Add(sealTest(f, &k, loc, content), int64(n))
	}
	for _, v := range loadAttachmentVectors(f) {
		if v.Blob != nil {
			f.Add([]byte(v.Blob), v.Size)
		}
	}
	f.Add([]byte{1}, int64(0))
	f.Add([]byte{}, int64(-1))
	f.Fuzz(func(t *testing.T, blob []byte, size int64) {
		if size > 1<<18 {
			size %= 1 << 18
		}
		r, err := NewAttachmentReader(bytes.NewReader(blob), &k, loc, size, sha256.Sum256(vectorContentSafe(size)))
		if err != nil {
			return
		}
		got, err := io.ReadAll(r)
		if err != nil {
			return
		}
		// It opened: it must be exactly what sealing that content makes.
		if !bytes.Equal(got, vectorContentSafe(size)) {
			t.Fatalf("opened %d bytes that are not the sealed content", len(got))
		}
		if int64(len(blob)) != sizeOfBlob(size) {
			t.Fatalf("a blob of %d bytes opened as size %d", len(blob), size)
		}
	})
}

func vectorContentSafe(n int64) []byte {
	if n < 0 || n > 1<<18 {
		return nil
	}
	return vectorContent(n)
}

func sizeOfBlob(size int64) int64 { return protocol.AttachmentBlobSize(size) }

// BenchmarkAttachmentChunkAEAD is single-core XChaCha20-Poly1305 sealing
// of 64 KiB chunks, the bar the attachment round trip is compared with
// (README, issue 12).
func BenchmarkAttachmentChunkAEAD(b *testing.B) {
	var k AttachmentKey
	aead, err := attachmentAEAD(&k)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, attachmentChunk, attachmentChunk+TagSize)
	nonce := make([]byte, NonceSize)
	b.SetBytes(attachmentChunk)
	for b.Loop() {
		aead.Seal(buf[:0:cap(buf)], nonce, buf, nil)
	}
}

// BenchmarkAttachmentWriter is the whole sealing path (chunking, padding,
// SHA-256 of the content) to io.Discard.
func BenchmarkAttachmentWriter(b *testing.B) {
	var k AttachmentKey
	loc := AttachmentLocation{UserID: testUser, AttachmentID: testAtt}
	data := make([]byte, 1<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		w, _ := NewAttachmentWriter(io.Discard, &k, loc)
		w.Write(data)
		w.Close()
	}
}

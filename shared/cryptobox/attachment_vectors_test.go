package cryptobox

import (
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// attachmentVector is one entry of testdata/attachment.json, written by the
// independent generator testdata/gen/attachment.mjs (SPEC §11.7).
type attachmentVector struct {
	Name          string   `json:"name"`
	UserID        string   `json:"user_id"`
	AttachmentID  string   `json:"attachment_id"`
	Key           hexBytes `json:"key"`
	ChunkKey      hexBytes `json:"chunk_key"`
	AD            hexBytes `json:"ad"`
	Prefix        hexBytes `json:"prefix"`
	Size          int64    `json:"size"`
	Padded        int64    `json:"padded"`
	Chunks        int64    `json:"chunks"`
	BlobSize      int64    `json:"blob_size"`
	ContentSHA256 hexBytes `json:"content_sha256"`
	BlobSHA256    hexBytes `json:"blob_sha256"`
	Blob          hexBytes `json:"blob"`
}

func loadAttachmentVectors(t testing.TB) []attachmentVector {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vectorDir, "attachment.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Vectors []attachmentVector `json:"vectors"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) == 0 {
		t.Fatal("no attachment vectors")
	}
	return f.Vectors
}

// vectorContent is the content rule of the vector file.
func vectorContent(n int64) []byte {
	c := make([]byte, n)
	for i := range c {
		c[i] = byte(i*31 + 7)
	}
	return c
}

func (v attachmentVector) key() *AttachmentKey {
	var k AttachmentKey
	copy(k[:], v.Key)
	return &k
}

func (v attachmentVector) loc() AttachmentLocation {
	return AttachmentLocation{UserID: v.UserID, AttachmentID: v.AttachmentID}
}

func (v attachmentVector) sum() [32]byte {
	var s [32]byte
	copy(s[:], v.ContentSHA256)
	return s
}

// sealVector seals the vector's content with its fixed prefix, writing
// in pieces of step bytes.
func sealVector(t testing.TB, v attachmentVector, step int) []byte {
	t.Helper()
	var prefix [attachmentPrefix]byte
	copy(prefix[:], v.Prefix)
	var out bytes.Buffer
	w, err := newAttachmentWriter(&out, v.key(), v.loc(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	c := vectorContent(v.Size)
	for len(c) > 0 {
		n := min(step, len(c))
		if _, err := w.Write(c[:n]); err != nil {
			t.Fatal(err)
		}
		c = c[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := w.Sum(); !bytes.Equal(got[:], v.ContentSHA256) {
		t.Errorf("Sum() = %x, want %x", got, v.ContentSHA256)
	}
	return out.Bytes()
}

func TestAttachmentVectors(t *testing.T) {
	for _, v := range loadAttachmentVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			ck, err := hkdf.Key(sha256.New, v.Key, nil, attachmentInfo, KeySize)
			if err != nil || !bytes.Equal(ck, v.ChunkKey) {
				t.Errorf("chunk key = %x, want %x", ck, v.ChunkKey)
			}
			ad, err := attachmentAD(v.loc())
			if err != nil || !bytes.Equal(ad, v.AD) {
				t.Errorf("AD = %x, want %x", ad, v.AD)
			}
			for _, step := range []int{1 << 20, 4096, 65535} {
				blob := sealVector(t, v, step)
				if int64(len(blob)) != v.BlobSize {
					t.Fatalf("blob size = %d, want %d", len(blob), v.BlobSize)
				}
				if h := sha256.Sum256(blob); !bytes.Equal(h[:], v.BlobSHA256) {
					t.Errorf("SHA-256(blob) with writes of %d = %x, want %x", step, h, v.BlobSHA256)
				}
				if v.Blob != nil && !bytes.Equal(blob, v.Blob) {
					t.Errorf("blob = %x, want %x", blob, v.Blob)
				}
			}
			blob := sealVector(t, v, 1<<20)
			if v.Blob != nil {
				blob = v.Blob // open the generator's own bytes when they are stored
			}
			r, err := NewAttachmentReader(bytes.NewReader(blob), v.key(), v.loc(), v.Size, v.sum())
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			if !bytes.Equal(got, vectorContent(v.Size)) {
				t.Error("opened content differs from the vector's content")
			}
		})
	}
}

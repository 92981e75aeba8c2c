package backup

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"cipherleaf.dev/client/attach"
	"cipherleaf.dev/client/manifest"
	"cipherleaf.dev/shared/cryptobox"
)

type vectors2 struct {
	Password string `json:"password"`
	UserID   string `json:"user_id"`
	File     []byte `json:"file"`
	Notes    []struct {
		Title       string `json:"title"`
		Attachments int    `json:"attachments"`
	} `json:"notes"`
	Attachments []struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		Size    int64  `json:"size"`
		SHA256  string `json:"sha256"`
		Content []byte `json:"content"`
	} `json:"attachments"`
	Tampered []struct {
		Name string `json:"name"`
		File []byte `json:"file"`
	} `json:"tampered"`
}

func readVectors2(t testing.TB) vectors2 {
	raw, err := os.ReadFile(filepath.Join("..", "..", "shared", "testdata", "backup2.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v vectors2
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// openAll opens a backup and every attachment blob in it, returning the
// contents by attachment id or the first error.
func openAll(data []byte, secret string) (*File, map[string][]byte, error) {
	f, err := Open(bytes.NewReader(data), []byte(secret), cryptobox.InsecureTestPolicy)
	if err != nil {
		return nil, nil, err
	}
	out := map[string][]byte{}
	for {
		ref, r, err := f.Next()
		if errors.Is(err, io.EOF) {
			return f, out, nil
		}
		if err != nil {
			return f, nil, err
		}
		var b bytes.Buffer
		if err := attach.OpenBlob(r, f.UserID, ref, &b); err != nil {
			return f, nil, err
		}
		out[ref.ID] = b.Bytes()
	}
}

// TestBackup2Vectors reads the version 2 file made by the independent
// generator (shared/testdata/gen, from SPEC §9.1 alone): its notes and the
// exact contents of both attachments come back, and every tampered
// variant is refused.
func TestBackup2Vectors(t *testing.T) {
	v := readVectors2(t)
	f, got, err := openAll(v.File, v.Password)
	if err != nil {
		t.Fatalf("open backup2.json file: %v", err)
	}
	if f.Version != 2 || f.UserID != v.UserID || len(f.Notes) != len(v.Notes) {
		t.Fatalf("Open = version %d, user %s, %d notes; want 2, %s, %d", f.Version, f.UserID, len(f.Notes), v.UserID, len(v.Notes))
	}
	for i, n := range f.Notes {
		if n.Title != v.Notes[i].Title || len(n.Attachments) != v.Notes[i].Attachments {
			t.Errorf("note %d = %q with %d attachments, want %q with %d", i, n.Title, len(n.Attachments), v.Notes[i].Title, v.Notes[i].Attachments)
		}
	}
	if len(got) != len(v.Attachments) {
		t.Fatalf("%d attachments opened, want %d", len(got), len(v.Attachments))
	}
	for _, a := range v.Attachments {
		if !bytes.Equal(got[a.ID], a.Content) {
			t.Errorf("attachment %s (%s): %d bytes, identical %v", a.ID, a.Name, len(got[a.ID]), bytes.Equal(got[a.ID], a.Content))
		}
	}
	want := map[string]error{
		"blob-dropped-from-list-and-index": ErrBad, // list and index agree, the notes do not
		"blob-missing":                     attach.ErrTampered,
		"blob-truncated":                   attach.ErrTampered,
		"chunks-reordered":                 attach.ErrTampered,
		"blobs-swapped":                    attach.ErrTampered,
		"byte-appended":                    ErrTamperedAttachment,
		"bit-flipped":                      attach.ErrTampered,
		"size-changed-in-list":             manifest.ErrTamperedNote,
	}
	if len(v.Tampered) != len(want) {
		t.Errorf("%d tampered variants, want %d", len(v.Tampered), len(want))
	}
	for _, tm := range v.Tampered {
		t.Run(tm.Name, func(t *testing.T) {
			_, _, err := openAll(tm.File, v.Password)
			if w := want[tm.Name]; w == nil || !errors.Is(err, w) {
				t.Errorf("openAll(%s) = %v, want %v", tm.Name, err, w)
			}
		})
	}
}

// TestCopyBlobLength: a blob whose Copy writes another number of bytes
// than its Size fails the write.
func TestCopyBlobLength(t *testing.T) {
	for _, n := range []int{9, 11} {
		bad := Blob{ID: "x", Size: 10, Copy: func(w io.Writer) error { _, err := w.Write(make([]byte, n)); return err }}
		if err := copyBlob(io.Discard, bad); err == nil {
			t.Errorf("copyBlob of %d bytes for a size of 10 succeeded", n)
		}
	}
}

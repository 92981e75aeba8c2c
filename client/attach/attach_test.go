package attach

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"cipherleaf.dev/shared/note"
)

const testUser = "5f0c8a4e-2d1b-4c3a-9e8f-7a6b5c4d3e2f"

func testStore(t *testing.T) *Store {
	t.Helper()
	n := 0
	s, err := Open(t.TempDir(), Options{NewID: func() (string, error) {
		n++
		return fmt.Sprintf("0a1b2c3d-4e5f-4a6b-8c7d-%012d", n), nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func writeFile(t *testing.T, n int) (string, []byte) {
	t.Helper()
	data := make([]byte, n)
	rand.Read(data)
	p := filepath.Join(t.TempDir(), "file.png")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p, data
}

func TestSealOpen(t *testing.T) {
	s := testStore(t)
	p, data := writeFile(t, 150000)
	ref, err := s.Seal(testUser, p)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Name != "file.png" || ref.Type != "image/png" || ref.Size != 150000 || ref.Chunks != 3 || len(ref.Key) != 32 {
		t.Errorf("Seal = %+v", ref)
	}
	if ups, _ := s.PendingUploads(); len(ups) != 1 || ups[0] != ref.ID {
		t.Errorf("PendingUploads = %v", ups)
	}
	var out bytes.Buffer
	if err := s.Open(testUser, ref, &out); err != nil || !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("Open = %v, equal %v", err, bytes.Equal(out.Bytes(), data))
	}
	// A reference with another key, hash or size, or another user, fails.
	for name, mod := range map[string]func(r *note.Attachment) string{
		"key":  func(r *note.Attachment) string { r.Key = make([]byte, 32); return testUser },
		"hash": func(r *note.Attachment) string { r.SHA256 = fmt.Sprintf("%064d", 0); return testUser },
		"size": func(r *note.Attachment) string { r.Size--; return testUser },
		"user": func(r *note.Attachment) string { return "6f0c8a4e-2d1b-4c3a-9e8f-7a6b5c4d3e2f" },
	} {
		r := ref
		r.Key = bytes.Clone(ref.Key)
		uid := mod(&r)
		if err := s.Open(uid, r, io.Discard); !errors.Is(err, ErrTampered) {
			t.Errorf("Open with another %s = %v, want ErrTampered", name, err)
		}
	}
}

func TestSealRefusals(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		s := testStore(t)
		p, _ := writeFile(t, 0)
		if _, err := s.Seal(testUser, p); !errors.Is(err, ErrEmptyFile) {
			t.Errorf("Seal(empty) = %v", err)
		}
	})
	t.Run("changed while read", func(t *testing.T) {
		s := testStore(t)
		p, _ := writeFile(t, 100000)
		s.afterRead = func() {
			f, _ := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
			f.Write([]byte("more"))
			f.Close()
		}
		if _, err := s.Seal(testUser, p); !errors.Is(err, ErrFileChanged) {
			t.Errorf("Seal(changing file) = %v, want ErrFileChanged", err)
		}
		left, _ := filepath.Glob(filepath.Join(s.dir, "*"))
		if len(left) != 0 {
			t.Errorf("a refused file left %v", left)
		}
	})
	t.Run("over the limit", func(t *testing.T) {
		s := testStore(t)
		s.max = 1000
		p, _ := writeFile(t, 1001)
		if _, err := s.Seal(testUser, p); !errors.Is(err, ErrFileTooLarge) {
			t.Errorf("Seal(too large) = %v", err)
		}
	})
}

// fullDisk is a temporary file on a disk that fills up after room bytes.
type fullDisk struct {
	f    *os.File // not embedded: its ReadFrom would bypass Write
	room int
}

func (f *fullDisk) Sync() error  { return f.f.Sync() }
func (f *fullDisk) Close() error { return f.f.Close() }
func (f *fullDisk) Name() string { return f.f.Name() }

func (f *fullDisk) Write(p []byte) (int, error) {
	if len(p) > f.room {
		n, _ := f.f.Write(p[:f.room])
		f.room = 0
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	f.room -= len(p)
	return f.f.Write(p)
}

func TestSaveAsDiskFullLeavesDestination(t *testing.T) {
	s := testStore(t)
	p, data := writeFile(t, 200000)
	ref, err := s.Seal(testUser, p)
	if err != nil {
		t.Fatal(err)
	}
	s.createTemp = func(dir, pattern string) (TempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		return &fullDisk{f: f, room: 100000}, err
	}
	dir := t.TempDir()
	dest := filepath.Join(dir, "dest")
	os.WriteFile(dest, []byte("untouched"), 0o600)
	err = s.SaveAs(context.Background(), nil, testUser, ref, dest, nil)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("SaveAs on a full disk = %v, want ENOSPC", err)
	}
	if got, _ := os.ReadFile(dest); string(got) != "untouched" {
		t.Errorf("destination is now %d bytes", len(got))
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("left behind %v", left)
	}
	s.createTemp = osCreateTemp
	if err := s.SaveAs(context.Background(), nil, testUser, ref, dest, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dest); !bytes.Equal(got, data) {
		t.Error("SaveAs with room wrote other bytes")
	}
}

func TestSafeName(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"photo.png", "photo.png"},
		{"../../etc/passwd", "_.._etc_passwd"},
		{`..\..\boot.ini`, `_.._boot.ini`},
		{"a\x00b\nc\x1b.txt", "a_b_c_.txt"},
		{"CON", "_CON"},
		{"nul.txt", "_nul.txt"},
		{"com1.tar.gz", "_com1.tar.gz"},
		{"LPT9", "_LPT9"},
		{"console.txt", "console.txt"},
		{"name. . ", "name"},
		{"...", "attachment"},
		{"", "attachment"},
		{"a:b*c?d\"e<f>g|h", "a_b_c_d_e_f_g_h"},
		{"\u202ecod.exe", "_cod.exe"},
	} {
		if got := SafeName(tt.in); got != tt.want {
			t.Errorf("SafeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestSealData: content sealed from memory makes the same kind of
// reference as a file (name, media type, size, chunks, hash) and opens to
// the same bytes; empty or too large content is refused and leaves
// nothing in the store.
func TestSealData(t *testing.T) {
	s := testStore(t)
	data := make([]byte, 150000)
	rand.Read(data)
	ref, err := s.SealData(testUser, "pasted-image.png", data)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Name != "pasted-image.png" || ref.Type != "image/png" || ref.Size != 150000 || ref.Chunks != 3 || len(ref.Key) != 32 {
		t.Errorf("SealData = %+v", ref)
	}
	var out bytes.Buffer
	if err := s.Open(testUser, ref, &out); err != nil || !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("Open = %v, equal %v", err, bytes.Equal(out.Bytes(), data))
	}
	for _, c := range []struct {
		name string
		max  int64
		size int
		want error
	}{
		{"empty", 1000, 0, ErrEmptyFile},
		{"over the limit", 1000, 1001, ErrFileTooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := testStore(t)
			s.max = c.max
			if _, err := s.SealData(testUser, "x.png", make([]byte, c.size)); !errors.Is(err, c.want) {
				t.Errorf("SealData(%d bytes) = %v, want %v", c.size, err, c.want)
			}
			if left, _ := filepath.Glob(filepath.Join(s.dir, "*")); len(left) != 0 {
				t.Errorf("a refused paste left %v", left)
			}
		})
	}
}

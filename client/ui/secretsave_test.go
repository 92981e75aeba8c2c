package ui

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
)

// TestSecretButtons: Copy puts the secret on the clipboard and says so;
// saving writes the file readable by its owner only and says where, and a
// failed write shows the error and says nothing was saved.
func TestSecretButtons(t *testing.T) {
	h := newHarness(t, newFakeAPI(), Options{})
	status := caption("")
	copyBt, _ := h.u.secretButtons("s3cret", "Copied.", "secret.txt", status, nil)
	test.Tap(copyBt)
	if got := h.app.Clipboard().Content(); got != "s3cret" || status.Text != "Copied." {
		t.Errorf("after Copy: clipboard %q, status %q; want %q, %q", got, status.Text, "s3cret", "Copied.")
	}

	for _, tc := range []struct {
		name    string
		write   func(io.Writer) error
		content string // "" when the save fails
	}{
		{"written", func(w io.Writer) error { _, err := io.WriteString(w, "s3cret\n"); return err }, "s3cret\n"},
		{"write fails", func(io.Writer) error { return errors.New("disk full") }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, p := worldReadableWriter(t)
			status.SetText("")
			h.u.saveSecret(w, status, tc.write)
			if tc.content == "" {
				if status.Text != "" {
					t.Errorf("saveSecret with a failing write: status %q, want none", status.Text)
				}
				h.mustShow("Couldn't save the file")
				return
			}
			got, err := os.ReadFile(p)
			if err != nil || string(got) != tc.content {
				t.Fatalf("saveSecret wrote %q (%v), want %q", got, err, tc.content)
			}
			if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
				t.Fatalf("saveSecret left the file %v (%v), want mode 0600", st, err)
			}
			if want := "Saved to " + p; status.Text != want {
				t.Errorf("saveSecret status %q, want %q", status.Text, want)
			}
		})
	}
}

// worldReadableWriter opens a new file of mode 0644 for writing, as a
// file save dialog would hand it over.
func worldReadableWriter(t *testing.T) (fyne.URIWriteCloser, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secret.txt")
	w, err := storage.Writer(storage.NewFileURI(p))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	return w, p
}

package core_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/cryptobox"
)

// profileFiles lists what a profile's attachments folder holds.
func profileFiles(t *testing.T, profile string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(profile, "attachments"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// exportWithAttachments makes an account with a note carrying two
// attachments (one of four chunks) and a plain note, and returns the path
// of an encrypted backup made on a second device of that account, which
// holds none of the blobs yet (so the export downloads them), with the
// contents by name.
func exportWithAttachments(t *testing.T, user string) (string, map[string][]byte) {
	t.Helper()
	s := startServer(t)
	a := realDevice(t, t.TempDir())
	realRegister(t, a, s, user, "pw")
	files := t.TempDir()
	id := create(t, a, "trip", "files below")
	create(t, a, "plain", "no files")
	pPhoto, photo := randomFile(t, files, "photo.png", 200000)
	pDoc, doc := randomFile(t, files, "notes.txt", 1000)
	mustAttach(t, a, id, pPhoto)
	mustAttach(t, a, id, pDoc)
	mustSync(t, a)
	b := realDevice(t, t.TempDir())
	realLogin(t, b, s, user, "pw")
	path := filepath.Join(t.TempDir(), "backup.clb")
	if err := b.ExportEncrypted(path); err != nil {
		t.Fatalf("ExportEncrypted: %v (%s)", err, core.Words(err))
	}
	return path, map[string][]byte{"photo.png": photo, "notes.txt": doc}
}

// TestE2EBackupCarriesAttachments: a backup made on one profile, imported
// on a fresh profile of another account, brings back every attachment
// byte for byte (its hash as in the note), and the import uploads them:
// a third device of the importing account downloads them from the server.
func TestE2EBackupCarriesAttachments(t *testing.T) {
	path, want := exportWithAttachments(t, "backupsrc")
	head, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(head), "CIPHERLEAF-BACKUP 2\n") {
		t.Fatalf("backup starts with %q", head[:min(len(head), 20)])
	}
	s := startServer(t)
	cdir := t.TempDir()
	c := realDevice(t, cdir)
	realRegister(t, c, s, "restorer", "pw2")
	n, err := c.Import(path, []byte("pw"))
	if err != nil || n != 2 {
		t.Fatalf("Import = %d, %v (%s); want 2 notes", n, err, core.Words(err))
	}
	mustSync(t, c)
	d := realDevice(t, t.TempDir())
	realLogin(t, d, s, "restorer", "pw2")
	found := 0
	for _, info := range d.List() {
		atts, err := d.Attachments(info.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range atts {
			found++
			mustSave(t, d, info.ID, a.ID, want[a.Name])
		}
	}
	if found != len(want) {
		t.Errorf("the importing account has %d attachments, want %d", found, len(want))
	}
	// Imported again: the notes are present, so nothing is added and no
	// blob is left behind.
	before := profileFiles(t, cdir)
	if n, err := c.Import(path, []byte("pw")); err != nil || n != 0 {
		t.Errorf("second Import = %d, %v; want 0, nil", n, err)
	}
	if after := profileFiles(t, cdir); !slices.Equal(before, after) {
		t.Errorf("a second import left attachment files: %v, before %v", after, before)
	}
}

// TestE2EBackupAttachmentTampered: a backup whose attachment bytes were
// changed or cut short is refused with a clear error, and nothing of it —
// no note, no blob — is imported.
func TestE2EBackupAttachmentTampered(t *testing.T) {
	path, _ := exportWithAttachments(t, "tampersrc")
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		change func([]byte) []byte
		want   error
	}{
		{"byte flipped in the last blob", func(b []byte) []byte { b[len(b)-100] ^= 1; return b }, core.ErrTamperedBackupAttachment},
		{"truncated inside a blob", func(b []byte) []byte { return b[:len(b)-5000] }, core.ErrTamperedBackupAttachment},
		{"byte appended", func(b []byte) []byte { return append(b, 0) }, core.ErrTamperedBackupAttachment},
		{"cut inside the notes", func(b []byte) []byte { return b[:200] }, core.ErrBadBackup},
	}
	s := startServer(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "bad.clb")
			if err := os.WriteFile(bad, tt.change(slices.Clone(orig)), 0o600); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			c := realDevice(t, dir)
			realRegister(t, c, s, "victim"+string(rune('a'+i)), "pw")
			n, err := c.Import(bad, []byte("pw"))
			if !errors.Is(err, tt.want) || n != 0 {
				t.Fatalf("Import(%s) = %d, %v; want 0, %v", tt.name, n, err, tt.want)
			}
			if w := core.Words(err); !strings.Contains(w, "backup") {
				t.Errorf("Words(%v) = %q, want it to name the backup", err, w)
			}
			if l := c.List(); len(l) != 0 {
				t.Errorf("a refused backup imported %d notes", len(l))
			}
			if f := profileFiles(t, dir); len(f) != 0 {
				t.Errorf("a refused backup left attachment files %v", f)
			}
		})
	}
}

// TestE2EImportVersion1Backup: a version 1 backup (no attachments; the
// independent generator's file) still imports.
func TestE2EImportVersion1Backup(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "shared", "testdata", "backup.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Password string `json:"password"`
		File     string `json:"file"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(v.File, "CIPHERLEAF-BACKUP 1\n") {
		t.Fatalf("backup.json holds %q, not a version 1 file", v.File[:20])
	}
	path := filepath.Join(t.TempDir(), "v1.clb")
	os.WriteFile(path, []byte(v.File), 0o600)
	s := startServer(t)
	// The generator's file uses a KDF far below the default floor.
	c, err := core.Open(core.Config{ProfileDir: t.TempDir(), Policy: cryptobox.InsecureTestPolicy, NewParams: floorParams,
		DeviceName: "e2e", APITimeout: 5 * time.Second, APIRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	realRegister(t, c, s, "oldfile", "pw")
	if n, err := c.Import(path, []byte(v.Password)); err != nil || n != 2 {
		t.Fatalf("Import(version 1) = %d, %v; want 2", n, err)
	}
	got := map[string]bool{}
	for _, info := range c.List() {
		got[info.Title] = true
	}
	if !got["Groceries"] || !got["Ünïcode ✓"] {
		t.Errorf("imported titles %v", got)
	}
}

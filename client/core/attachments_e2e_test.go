package core_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cipherleaf.dev/client/attach"
	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/testserver"
	"cipherleaf.dev/shared/protocol"
)

func randomFile(t *testing.T, dir, name string, n int) (string, []byte) {
	t.Helper()
	data := make([]byte, n)
	rand.Read(data)
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p, data
}

func mustAttach(t *testing.T, c *core.Core, noteID, path string) string {
	t.Helper()
	id, err := c.Attach(noteID, path)
	if err != nil {
		t.Fatalf("Attach(%s): %v", filepath.Base(path), err)
	}
	return id
}

func mustSave(t *testing.T, c *core.Core, noteID, attID string, want []byte) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	if err := c.SaveAttachment(context.Background(), noteID, attID, out, nil); err != nil {
		t.Fatalf("SaveAttachment: %v (%s)", err, core.Words(err))
	}
	got, err := os.ReadFile(out)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("saved attachment: %d bytes, equal %v, err %v", len(got), bytes.Equal(got, want), err)
	}
}

func names(t *testing.T, c *core.Core, noteID string) []string {
	t.Helper()
	list, err := c.Attachments(noteID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range list {
		out = append(out, a.Name)
	}
	return out
}

// TestE2EAttachmentsTwoDevices: two devices exchange attachments through
// the real server, attach to one note at once (both kept) and detach.
func TestE2EAttachmentsTwoDevices(t *testing.T) {
	s := startServer(t)
	a := realDevice(t, t.TempDir())
	realRegister(t, a, s, "attacher", "pw")
	files := t.TempDir()
	id := create(t, a, "trip", "photos below")
	pPhoto, photo := randomFile(t, files, "photo.png", 200000) // 4 chunks
	pDoc, doc := randomFile(t, files, "notes.txt", 1000)
	photoID := mustAttach(t, a, id, pPhoto)
	mustSync(t, a)
	b := realDevice(t, t.TempDir())
	realLogin(t, b, s, "attacher", "pw")
	if got := names(t, b, id); len(got) != 1 || got[0] != "photo.png" {
		t.Fatalf("device B sees attachments %v", got)
	}
	mustSave(t, b, id, photoID, photo)
	list, _ := b.Attachments(id)
	if list[0].Type != "image/png" || list[0].Size != 200000 {
		t.Errorf("reference = %+v", list[0])
	}
	var cached bytes.Buffer
	if err := b.CachedAttachment(id, photoID, &cached); err != nil || !bytes.Equal(cached.Bytes(), photo) {
		t.Errorf("CachedAttachment after a download: %v, equal %v", err, bytes.Equal(cached.Bytes(), photo))
	}

	// Both attach to the same note before either syncs: both are kept.
	docID := mustAttach(t, a, id, pDoc)
	pOther, other := randomFile(t, files, "b.bin", 70000)
	otherID := mustAttach(t, b, id, pOther)
	mustSync(t, a)
	mustSync(t, b)
	mustSync(t, a)
	for _, c := range []*core.Core{a, b} {
		if got := names(t, c, id); len(got) != 3 {
			t.Fatalf("after concurrent attaches: %v, want all three", got)
		}
	}
	mustSave(t, a, id, otherID, other)
	mustSave(t, b, id, docID, doc)

	// Detach on A: gone on B after its sync, and released on the server.
	if err := a.Detach(id, photoID); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)
	mustSync(t, b)
	if got := names(t, b, id); len(got) != 2 {
		t.Errorf("after detach B sees %v", got)
	}
	if err := b.SaveAttachment(context.Background(), id, photoID, filepath.Join(t.TempDir(), "x"), nil); !errors.Is(err, core.ErrNoAttachment) {
		t.Errorf("SaveAttachment of a detached attachment = %v, want ErrNoAttachment", err)
	}
}

// TestE2EAttachmentsExport: the Markdown export writes attachments beside
// the .md file under safe, distinct names with relative links, downloading
// what the profile does not hold yet.
func TestE2EAttachmentsExport(t *testing.T) {
	s := startServer(t)
	a := realDevice(t, t.TempDir())
	realRegister(t, a, s, "exporter", "pw")
	id := create(t, a, "n", "body")
	d1, d2 := t.TempDir(), t.TempDir()
	p1, data1 := randomFile(t, d1, "con.txt", 100)
	p2, data2 := randomFile(t, d2, "CON.txt", 200)
	p3, data3 := randomFile(t, d1, "a\x01b:c.png", 300)
	for _, p := range []string{p1, p2, p3} {
		mustAttach(t, a, id, p)
	}
	mustSync(t, a)
	b := realDevice(t, t.TempDir())
	realLogin(t, b, s, "exporter", "pw")
	out := t.TempDir()
	if err := b.ExportMarkdown(out); err != nil {
		t.Fatalf("ExportMarkdown: %v", err)
	}
	for name, want := range map[string][]byte{"_con.txt": data1, "_CON (2).txt": data2, "a_b_c.png": data3} {
		got, err := os.ReadFile(filepath.Join(out, id+".files", name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("exported %q: %v, equal %v", name, err, bytes.Equal(got, want))
		}
	}
	md, _ := os.ReadFile(filepath.Join(out, id+".md"))
	for _, link := range []string{"- [_con.txt](<" + id + ".files/_con.txt>)", "- ![a_b_c.png](<" + id + ".files/a_b_c.png>)"} {
		if !strings.Contains(string(md), link) {
			t.Errorf("exported Markdown lacks %q:\n%s", link, md)
		}
	}
}

// TestE2EAttachmentBadInput: each refusal is clear and loses nothing.
func TestE2EAttachmentBadInput(t *testing.T) {
	if serverBin == "" {
		t.Skip("end-to-end test skipped under -short")
	}
	s := testserver.Start(t, serverBin, "--auth-ip-burst", "1000", "--auth-user-burst", "1000", "--lockout-after", "0", "--max-attachment", "100KiB")
	a := realDevice(t, t.TempDir())
	realRegister(t, a, s, "badinput", "pw")
	files := t.TempDir()
	id := create(t, a, "n", "body")
	mustSync(t, a)

	t.Run("empty file", func(t *testing.T) {
		p := filepath.Join(files, "empty")
		os.WriteFile(p, nil, 0o600)
		if _, err := a.Attach(id, p); !errors.Is(err, attach.ErrEmptyFile) || !strings.Contains(core.Words(err), "empty") {
			t.Errorf("Attach(empty) = %v (%q)", err, core.Words(err))
		}
	})
	t.Run("over the client limit, refused before reading", func(t *testing.T) {
		p := filepath.Join(files, "huge")
		f, _ := os.Create(p)
		f.Truncate(protocol.MaxAttachmentSize + 1) // sparse: nothing is read
		f.Close()
		if _, err := a.Attach(id, p); !errors.Is(err, attach.ErrFileTooLarge) {
			t.Errorf("Attach(1 GiB + 1) = %v", err)
		}
	})
	if got := names(t, a, id); len(got) != 0 {
		t.Fatalf("refused files left references %v", got)
	}
	t.Run("over the server limit: refused before upload, nothing pushed", func(t *testing.T) {
		p, _ := randomFile(t, files, "big.bin", 150<<10)
		attID := mustAttach(t, a, id, p)
		_, err := a.Sync(context.Background())
		var ae *protocol.APIError
		if !errors.As(err, &ae) || ae.Code != protocol.CodeTooLarge {
			t.Fatalf("Sync with an attachment over --max-attachment = %v, want too_large", err)
		}
		if a.Status().Pending == 0 {
			t.Error("the note naming the refused attachment was pushed")
		}
		// The user detaches it: the next sync goes through.
		if err := a.Detach(id, attID); err != nil {
			t.Fatal(err)
		}
		mustSync(t, a)
	})
}

// TestE2EAttachmentUploadResumes: the server is killed mid-upload; the
// next sync resumes from the server's offset and the blob is whole once.
func TestE2EAttachmentUploadResumes(t *testing.T) {
	s := startServer(t)
	a := realDevice(t, t.TempDir())
	realRegister(t, a, s, "resumer", "pw")
	id := create(t, a, "n", "body")
	mustSync(t, a)
	p, data := randomFile(t, t.TempDir(), "big.bin", 48<<20) // two parts
	attID := mustAttach(t, a, id, p)
	// Kill the server once the first part has arrived: its file is the
	// partial blob in the data folder.
	done := make(chan error, 1)
	go func() { _, err := a.Sync(context.Background()); done <- err }()
	partial := waitPartial(t, s, attach.PartSize)
	s.Kill()
	if err := <-done; !errors.Is(err, core.ErrOffline) {
		t.Fatalf("Sync with the server killed = %v, want offline", err)
	}
	t.Logf("server held %d bytes when killed", partial)
	s.Restart()
	mustSync(t, a)
	b := realDevice(t, t.TempDir())
	realLogin(t, b, s, "resumer", "pw")
	mustSave(t, b, id, attID, data)
	if n := len(blobFiles(t, s)); n != 1 {
		t.Errorf("server holds %d blob files, want 1", n)
	}
}

// blobFiles lists the complete blobs in the server's data folder.
func blobFiles(t *testing.T, s *testserver.Server) []string {
	var out []string
	for _, f := range s.Files() {
		if strings.Contains(f, "attachments"+string(filepath.Separator)) && !strings.Contains(f, "partial") {
			out = append(out, f)
		}
	}
	return out
}

// waitPartial polls the server's partial upload until it holds at least
// n bytes, for up to two minutes.
func waitPartial(t *testing.T, s *testserver.Server, n int64) int64 {
	t.Helper()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(2 * time.Minute)
	for {
		for _, f := range s.Files() {
			if strings.Contains(f, "partial"+string(filepath.Separator)) {
				if fi, err := os.Stat(f); err == nil && fi.Size() >= n {
					return fi.Size()
				}
			}
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatal("upload never reached the server")
		}
	}
}

// TestE2EDeleteReleasesAttachments: a note deleted for good (here through
// the trash) releases its attachments on the server, which removes the
// blob once the grace period is over; a trashed note keeps them.
func TestE2EDeleteReleasesAttachments(t *testing.T) {
	if serverBin == "" {
		t.Skip("end-to-end test skipped under -short")
	}
	s := testserver.Start(t, serverBin, "--attachment-grace", "2s", "--attachment-gc-every", "50ms")
	a := realDevice(t, t.TempDir())
	realRegister(t, a, s, "releaser", "pw")
	id := create(t, a, "with a file", "see below")
	p, _ := randomFile(t, t.TempDir(), "scan.pdf", 100000)
	attID := mustAttach(t, a, id, p)
	mustSync(t, a)
	// The server stores blobs under names of its own; this account has one.
	onServer := func() bool {
		for _, f := range s.Files() {
			if strings.Contains(f, string(filepath.Separator)+"attachments"+string(filepath.Separator)) {
				return true
			}
		}
		return false
	}
	if !onServer() {
		t.Fatalf("attachment %s not on the server after the sync: %v", attID, s.Files())
	}
	if err := a.Trash(id); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)
	if !onServer() {
		t.Fatal("trashing the note released its attachment; it must stay until the note is deleted for good")
	}
	if err := a.EmptyTrash(); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)
	deadline := time.Now().Add(20 * time.Second)
	for onServer() {
		if time.Now().After(deadline) {
			t.Fatalf("attachment %s still on the server 20 s after its note was deleted for good", attID)
		}
		time.Sleep(50 * time.Millisecond) // polling the server's files: it collects on its own clock
	}
}

// TestE2EAttachDataReachesOtherDevice: content attached from memory (a
// pasted image) syncs like a file: the other device sees its name and
// type and saves the same bytes.
func TestE2EAttachDataReachesOtherDevice(t *testing.T) {
	s := startServer(t)
	a := realDevice(t, t.TempDir())
	realRegister(t, a, s, "paster", "pw")
	id := create(t, a, "screenshot", "see below")
	pic := make([]byte, 90000)
	rand.Read(pic)
	attID, err := a.AttachData(id, "pasted-image-2026-11-30-001500.png", pic)
	if err != nil {
		t.Fatalf("AttachData: %v", err)
	}
	mustSync(t, a)
	b := realDevice(t, t.TempDir())
	realLogin(t, b, s, "paster", "pw")
	list, err := b.Attachments(id)
	if err != nil || len(list) != 1 || list[0].Name != "pasted-image-2026-11-30-001500.png" || list[0].Type != "image/png" || list[0].Size != 90000 {
		t.Fatalf("device B sees %+v, %v", list, err)
	}
	mustSave(t, b, id, attID, pic)
	if _, err := a.AttachData(id, "empty.png", nil); !errors.Is(err, attach.ErrEmptyFile) || core.Words(err) == "" {
		t.Errorf("AttachData(empty) = %v (%q), want attach.ErrEmptyFile with words", err, core.Words(err))
	}
}

package core_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/evilproxy"
	"cipherleaf.dev/shared/protocol"
)

// sealedChunk is one sealed chunk of a blob (SPEC §11.2).
const sealedChunk = protocol.AttachmentChunkSize + protocol.AttachmentTagSize

// proxiedDevice opens a fresh device signed in as user through p.
func proxiedDevice(t *testing.T, p *evilproxy.Proxy, user, pw string) (*core.Core, string) {
	t.Helper()
	dir := t.TempDir()
	c := realDevice(t, dir)
	ctx := context.Background()
	info, err := c.ProbeServer(ctx, p.URL())
	if err != nil || info.Fingerprint != p.Fingerprint() {
		t.Fatalf("probe proxy: %+v, %v", info, err)
	}
	if err := c.Login(ctx, core.LoginInput{ServerURL: p.URL(), Pin: p.Fingerprint(), Username: user, Password: []byte(pw)}); err != nil {
		t.Fatalf("Login through the proxy: %v", err)
	}
	return c, dir
}

// TestE2EAttachmentAttacks: through evilproxy, a server that drops,
// truncates, reorders, splices, swaps (between attachments and between
// users) or rolls back an attachment is caught, and nothing is written
// to the destination.
func TestE2EAttachmentAttacks(t *testing.T) {
	s := startServer(t)
	p, err := evilproxy.New(s.URL, s.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	a := realDevice(t, t.TempDir())
	realRegister(t, a, s, "victim", "pw")
	files := t.TempDir()
	id := create(t, a, "n", "body")
	p1, _ := randomFile(t, files, "v1.bin", 4*65536)
	oldID := mustAttach(t, a, id, p1) // an older version of the file
	p2, data := randomFile(t, files, "v2.bin", 4*65536)
	newID := mustAttach(t, a, id, p2)
	p3, _ := randomFile(t, files, "other.bin", 4*65536)
	otherID := mustAttach(t, a, id, p3)
	mustSync(t, a)
	if err := a.Detach(id, oldID); err != nil { // v1 replaced by v2
		t.Fatal(err)
	}
	mustSync(t, a)
	// Another user uploads a file through the proxy: the proxy keeps it
	// for the swap between users.
	m := realDevice(t, t.TempDir())
	realRegister(t, m, s, "mallory", "pw")
	mallory, _ := proxiedDevice(t, p, "mallory", "pw")
	mid := create(t, mallory, "m", "m")
	pm, _ := randomFile(t, files, "mallory.bin", 4*65536)
	mustAttach(t, mallory, mid, pm)
	mustSync(t, mallory)

	tests := []struct {
		name   string
		attack evilproxy.Attack
		want   error
	}{
		{"drop", evilproxy.DropAttachment(newID), core.ErrAttachmentDropped},
		{"truncate", evilproxy.TruncateAttachment(newID), core.ErrTamperedAttachment},
		{"reorder", evilproxy.ReorderChunks(newID), core.ErrTamperedAttachment},
		{"splice", evilproxy.SpliceChunk(newID, otherID), core.ErrTamperedAttachment},
		{"swap between attachments", evilproxy.SwapAttachment(newID, otherID), core.ErrTamperedAttachment},
		{"swap between users", evilproxy.ForeignAttachment(newID), core.ErrTamperedAttachment},
		{"roll back", evilproxy.RollbackAttachment(newID, oldID), core.ErrTamperedAttachment},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := proxiedDevice(t, p, "victim", "pw")
			ctx := context.Background()
			p.Script(tt.attack)
			defer p.Script()
			dest := filepath.Join(t.TempDir(), "dest")
			os.WriteFile(dest, []byte("untouched"), 0o600)
			err = b.SaveAttachment(ctx, id, newID, dest, nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("SaveAttachment under %q = %v, want %v", tt.attack, err, tt.want)
			}
			if got, _ := os.ReadFile(dest); string(got) != "untouched" {
				t.Errorf("destination changed to %d bytes", len(got))
			}
			leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), ".*tmp"))
			if len(leftovers) != 0 {
				t.Errorf("temporary files left: %v", leftovers)
			}
			if t.Failed() {
				return
			}
			p.Script()
			mustSave(t, b, id, newID, data) // the honest blob still opens
		})
	}
}

// TestE2EAttachmentDownloadResumes: a download whose connection is cut
// mid-file (by evilproxy, in front of the real cipherleafd) resumes with a
// Range request from the last verified chunk; one cancelled half way
// keeps its verified chunks encrypted in the profile and the next call
// resumes from there; the destination is untouched until the whole file
// verified.
func TestE2EAttachmentDownloadResumes(t *testing.T) {
	s := startServer(t)
	p, err := evilproxy.New(s.URL, s.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	a := realDevice(t, t.TempDir())
	realRegister(t, a, s, "resumer", "pw")
	id := create(t, a, "n", "body")
	path, data := randomFile(t, t.TempDir(), "big.bin", 10*65536) // ten chunks
	attID := mustAttach(t, a, id, path)
	mustSync(t, a)
	ranges := func() []string {
		var out []string
		for _, r := range p.AttachmentRequests() {
			if r.ID == attID {
				out = append(out, fmt.Sprintf("%s %d", r.Range, r.Status))
			}
		}
		return out
	}

	t.Run("connection cut mid-file", func(t *testing.T) {
		b, _ := proxiedDevice(t, p, "resumer", "pw")
		before := len(ranges())
		// Cut inside the fourth chunk: three chunks verified.
		p.Script(evilproxy.CutAttachment(attID, 16+3*sealedChunk+1000, 1))
		defer p.Script()
		mustSave(t, b, id, attID, data)
		got := ranges()[before:]
		want := []string{" 200", fmt.Sprintf("bytes=%d- 206", 16+3*sealedChunk)}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("downloads = %q, want %q", got, want)
		}
	})

	t.Run("cancelled, resumed by the next call", func(t *testing.T) {
		b, dir := proxiedDevice(t, p, "resumer", "pw")
		before := len(ranges())
		dest := filepath.Join(t.TempDir(), "dest")
		os.WriteFile(dest, []byte("untouched"), 0o600)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// The device gives up once five chunks arrived (a person
		// pressing Cancel, or the app killed).
		err := b.SaveAttachment(ctx, id, attID, dest, func(done, total int64) {
			if done >= 16+5*sealedChunk {
				cancel()
			}
		})
		if err == nil {
			t.Fatal("SaveAttachment cancelled half way succeeded")
		}
		if got, _ := os.ReadFile(dest); string(got) != "untouched" {
			t.Fatalf("destination changed to %d bytes by an unfinished download", len(got))
		}
		part, err := os.ReadFile(filepath.Join(dir, "attachments", attID+".part"))
		if err != nil {
			t.Fatalf("no partial download kept: %v", err)
		}
		if (int64(len(part))-16)%sealedChunk != 0 || len(part) < 16+sealedChunk {
			t.Errorf("partial download of %d bytes is not whole verified chunks", len(part))
		}
		if bytes.Contains(part, data[:64]) || bytes.Contains(part, data[65536:65536+64]) {
			t.Error("the partial download holds plaintext")
		}
		if err := b.SaveAttachment(context.Background(), id, attID, dest, nil); err != nil {
			t.Fatalf("SaveAttachment after the cancel: %v", err)
		}
		if got, _ := os.ReadFile(dest); !bytes.Equal(got, data) {
			t.Fatalf("resumed download: %d bytes, identical %v", len(got), bytes.Equal(got, data))
		}
		got := ranges()[before:]
		if len(got) != 2 || got[1] != fmt.Sprintf("bytes=%d- 206", len(part)) {
			t.Errorf("downloads = %q, want the second from byte %d", got, len(part))
		}
		if _, err := os.Stat(filepath.Join(dir, "attachments", attID+".part")); !os.IsNotExist(err) {
			t.Errorf("partial download left after completion: %v", err)
		}
	})

	t.Run("partial download altered on disk", func(t *testing.T) {
		b, dir := proxiedDevice(t, p, "resumer", "pw")
		dest := filepath.Join(t.TempDir(), "dest")
		os.WriteFile(dest, []byte("untouched"), 0o600)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		b.SaveAttachment(ctx, id, attID, dest, func(done, total int64) {
			if done >= 16+3*sealedChunk {
				cancel()
			}
		})
		partPath := filepath.Join(dir, "attachments", attID+".part")
		part, err := os.ReadFile(partPath)
		if err != nil || len(part) < 16+sealedChunk {
			t.Fatalf("no partial download kept: %d bytes, %v", len(part), err)
		}
		part[16+sealedChunk/2] ^= 1 // inside the first chunk, already verified once
		os.WriteFile(partPath, part, 0o600)
		before := len(ranges())
		if err := b.SaveAttachment(context.Background(), id, attID, dest, nil); !errors.Is(err, core.ErrTamperedAttachment) {
			t.Fatalf("SaveAttachment over an altered partial download = %v, want %v", err, core.ErrTamperedAttachment)
		}
		if got, _ := os.ReadFile(dest); string(got) != "untouched" {
			t.Errorf("destination changed to %d bytes", len(got))
		}
		if _, err := os.Stat(partPath); !os.IsNotExist(err) {
			t.Errorf("the altered partial download was kept: %v", err)
		}
		mustSave(t, b, id, attID, data) // starts over
		if got := ranges()[before:]; len(got) == 0 || got[len(got)-1] != " 200" {
			t.Errorf("downloads after the refusal = %q, want the last one whole", got)
		}
	})
}

// TestE2EBackupRefusesDroppedAttachment: an export that cannot get an
// attachment its notes reference (the server dropped it) fails and
// writes no file: a backup never silently lacks a file (SPEC §9.1).
func TestE2EBackupRefusesDroppedAttachment(t *testing.T) {
	s := startServer(t)
	p, err := evilproxy.New(s.URL, s.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	a := realDevice(t, t.TempDir())
	realRegister(t, a, s, "dropper", "pw")
	id := create(t, a, "n", "body")
	path, _ := randomFile(t, t.TempDir(), "f.bin", 1000)
	attID := mustAttach(t, a, id, path)
	mustSync(t, a)
	b, _ := proxiedDevice(t, p, "dropper", "pw")
	p.Script(evilproxy.DropAttachment(attID))
	out := filepath.Join(t.TempDir(), "backup.clb")
	if err := b.ExportEncrypted(out); !errors.Is(err, core.ErrAttachmentDropped) {
		t.Fatalf("ExportEncrypted with a dropped attachment = %v, want %v", err, core.ErrAttachmentDropped)
	}
	if left, _ := filepath.Glob(out + "*"); len(left) != 0 {
		t.Errorf("a failed export left %v", left)
	}
	p.Script()
	if err := b.ExportEncrypted(out); err != nil {
		t.Fatalf("ExportEncrypted once the server serves it again: %v", err)
	}
}

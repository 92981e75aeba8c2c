package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"cipherleaf.dev/server"
)

func TestBackupPrivateAndWhole(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	dir := t.TempDir()
	out := filepath.Join(dir, "copy.db")
	if err := s.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil || len(ents) != 1 || ents[0].Name() != "copy.db" {
		t.Fatalf("backup folder = %v, %v; want only copy.db (no temporary file left)", ents, err)
	}
	fi, err := os.Stat(out)
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Size() == 0 {
		t.Errorf("backup = %v, %v; want a non-empty 0600 file", fi, err)
	}
	if err := s.Backup(ctx, out); !errors.Is(err, os.ErrExist) {
		t.Errorf("Backup over an existing file = %v, want ErrExist", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("refused backup left %d files", len(ents))
	}
}

func TestBackup(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	if _, _, err := s.WriteNote(ctx, u.ID, 0, &server.Write{ID: id1, Blob: []byte("a")}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, out); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if err := s.Backup(ctx, out); err == nil {
		t.Errorf("Backup over an existing file succeeded")
	}
	b, err := Open(ctx, out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	pg, err := b.Changes(ctx, u.ID, 0, 10, 1<<20)
	if err != nil || len(pg.Changes) != 1 || string(pg.Changes[0].Blob) != "a" {
		t.Errorf("restored Changes = %+v, %v", pg, err)
	}
}

package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"cipherleaf.dev/server"
)

// TestPageSize: a new database file is made with pageSize pages; a file
// made before with 4 KiB pages (as the writer's first connection made it,
// with SQLite's default) keeps them, keeps its notes and takes new ones;
// either way the writer's own checkpoint waits for autoCheckpointBytes
// of log, and a backup has pageSize pages.
func TestPageSize(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		old  bool // the file exists already, made with 4 KiB pages
		want int
	}{
		{"new file", false, pageSize},
		{"old 4 KiB file", true, 4096},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "db.sqlite")
			if tc.old {
				db, err := sql.Open("sqlite3", dsn(path, false, DurablePowerLoss))
				if err != nil {
					t.Fatal(err)
				}
				if err := db.PingContext(ctx); err != nil {
					t.Fatal(err)
				}
				db.Close()
			}
			s, err := Open(ctx, path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			u, _ := newUser(t, s, "alice")
			writes := make([]server.Write, 100)
			for i := range writes {
				writes[i] = server.Write{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Blob: bytes.Repeat([]byte{byte(i)}, 2093)}
			}
			if out, err := s.Batch(ctx, u.ID, 0, writes, nil); err != nil || !out.Applied {
				t.Fatalf("Batch = %+v, %v", out, err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s, err = Open(ctx, path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for _, pr := range []struct {
				name string
				db   *sql.DB
				want int
			}{
				{"page_size", s.w, tc.want},
				{"page_size", s.r, tc.want},
				{"wal_autocheckpoint", s.w, autoCheckpointBytes / tc.want},
			} {
				var got int
				if err := pr.db.QueryRowContext(ctx, "PRAGMA "+pr.name).Scan(&got); err != nil || got != pr.want {
					t.Errorf("PRAGMA %s = %d, %v; want %d", pr.name, got, err, pr.want)
				}
			}
			var mode string
			if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
				t.Errorf("journal_mode = %q, %v; want wal", mode, err)
			}
			checkNotes(t, s, u.ID, writes)
			// A backup is written with pageSize pages, whatever the
			// database's: restoring one moves an old file to them.
			out := filepath.Join(t.TempDir(), "backup.db")
			if err := s.Backup(ctx, out); err != nil {
				t.Fatal(err)
			}
			b, err := Open(ctx, out, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			var got int
			if err := b.w.QueryRowContext(ctx, "PRAGMA page_size").Scan(&got); err != nil || got != pageSize {
				t.Errorf("backup: PRAGMA page_size = %d, %v; want %d", got, err, pageSize)
			}
			checkNotes(t, b, u.ID, writes)
		})
	}
}

// checkNotes checks that s holds exactly writes for userID, in order.
func checkNotes(t *testing.T, s *Store, userID int64, writes []server.Write) {
	t.Helper()
	p, err := s.Changes(context.Background(), userID, 0, 1000, 8<<20)
	if err != nil || len(p.Changes) != len(writes) {
		t.Fatalf("Changes = %d changes, %v; want %d", len(p.Changes), err, len(writes))
	}
	for i, c := range p.Changes {
		if c.ID != writes[i].ID || !bytes.Equal(c.Blob, writes[i].Blob) {
			t.Fatalf("change %d = %s %d bytes, want %s as written", i, c.ID, len(c.Blob), writes[i].ID)
		}
	}
}

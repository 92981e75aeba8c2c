package core_test

import (
	"context"
	"fmt"
	"testing"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/testserver"
)

// BenchmarkHistory500: list the revisions of a note with 500 kept (the
// server's list paged down over TLS and checked), as the history view does.
func BenchmarkHistory500(b *testing.B) {
	if serverBin == "" {
		b.Skip("needs the server binary (not under -short)")
	}
	srv := testserver.Start(b, serverBin, "--history-revisions", "1000", "--access-ttl", "2h")
	c := benchDevice(b, b.TempDir())
	defer c.Close()
	ctx := context.Background()
	if _, err := c.Register(ctx, core.RegisterInput{ServerURL: srv.URL, Pin: srv.Fingerprint, Username: "hist", Password: []byte("pw")}); err != nil {
		b.Fatal(err)
	}
	id := create(b, c, "diary", "v0")
	for i := 1; i <= 500; i++ {
		n, _ := c.Get(id)
		n.Body = fmt.Sprintf("v%d", i)
		if err := c.Update(id, n); err != nil {
			b.Fatal(err)
		}
		if _, err := c.Sync(ctx); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		revs, err := c.History(ctx, id)
		if err != nil || len(revs) < 500 {
			b.Fatalf("History = %d revisions, %v; want 500", len(revs), err)
		}
	}
}

// BenchmarkNotebooks1000: the app's one read of the core per refresh of
// the sidebar and the note list (Overview), for 1,000 notebooks and
// 10,000 notes: the effective tree (SPEC §12.2), the note list with each
// note's notebook path, and the trash and conflict counts.
func BenchmarkNotebooks1000(b *testing.B) {
	f := fixture(b)
	c := benchDevice(b, copyDir(b, f.full))
	defer c.Close()
	if err := c.UnlockWithDevice(); err != nil {
		b.Fatal(err)
	}
	notes := c.List()
	var nbs []string
	for top := 0; top < 100; top++ {
		t, err := c.CreateNotebook(fmt.Sprintf("Area %03d", top), "")
		if err != nil {
			b.Fatal(err)
		}
		nbs = append(nbs, t)
		for i := 1; i < 10; i++ {
			id, err := c.CreateNotebook(fmt.Sprintf("Project %d", i), t)
			if err != nil {
				b.Fatal(err)
			}
			nbs = append(nbs, id)
		}
	}
	for i := 0; i < 1000; i++ { // a tenth of the notes placed; the rest at the root
		if err := c.MoveNote(notes[i*10].ID, nbs[i]); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if ov := c.Overview(); len(ov.Notebooks) != 1000 || len(ov.Notes) != benchNotes {
			b.Fatal("wrong counts")
		}
	}
}

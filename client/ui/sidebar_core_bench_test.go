package ui

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/importer"
	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
)

// benchRealCore is a real core (vault on disk, notes decrypted in memory)
// holding 10,000 notes sorted into 1,000 notebooks (100 at the top, 9
// inside each), every note in one, with two tags each; signed in to an
// in-memory server and synced, so an app built on it has nothing to do
// but read.
func benchRealCore(b *testing.B) *core.Core {
	b.Helper()
	srv := fakeremote.New()
	c, err := core.Open(core.Config{
		ProfileDir: b.TempDir(),
		Policy:     cryptobox.InsecureTestPolicy,
		NewParams: func() (cryptobox.Params, error) {
			salt := make([]byte, cryptobox.SaltSize)
			rand.Read(salt)
			return cryptobox.Params{Time: 1, Memory: 8, Threads: 1, Salt: salt}, nil
		},
		DeviceName: "bench",
		Dial:       func(rc core.RemoteConfig) (core.Remote, error) { return srv.Dial(rc), nil },
		Probe:      func(context.Context, string) (string, bool, error) { return srv.Fingerprint, false, nil },
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	ctx := context.Background()
	if _, err := c.Register(ctx, core.RegisterInput{ServerURL: "https://cipherleaf.test", Pin: srv.Fingerprint, Username: "bench", Password: []byte("pw")}); err != nil {
		b.Fatal(err)
	}
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
	words := strings.Fields("garden lisbon tram groceries plan budget meeting recipe travel book idea music code draft letter")
	var batch []importer.Pending
	for i := 0; i < benchVault; i++ {
		id, err := c.NewNoteID()
		if err != nil {
			b.Fatal(err)
		}
		body := strings.Repeat(fmt.Sprintf("%s line %d about %s.\n", words[(i/3)%len(words)], i, words[(i/11)%len(words)]), 12)
		batch = append(batch, importer.Pending{ID: id, Body: func([]string) string { return body }, Note: &note.Note{
			Title:    fmt.Sprintf("%s %s note %d", words[i%len(words)], words[(i/7)%len(words)], i),
			Tags:     []string{words[i%5], words[5+i%4]},
			Notebook: nbs[i%len(nbs)],
			Created:  testNow.Add(-time.Duration(i) * time.Minute),
			Modified: testNow.Add(-time.Duration(i) * time.Minute),
		}})
		if len(batch) == 500 || i == benchVault-1 {
			if err := c.ImportNotes(batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if _, err := c.Sync(ctx); err != nil {
		b.Fatal(err)
	}
	if ov := c.Overview(); len(ov.Notes) != benchVault || len(ov.Notebooks) != 1000 {
		b.Fatalf("bench core holds %d notes, %d notebooks", len(ov.Notes), len(ov.Notebooks))
	}
	return c
}

// BenchmarkSidebarRealCore is the sidebar of the app running on a real
// core with 1,000 notebooks and 10,000 notes, the core's reads included:
//
//   - build: a new sidebar (one core.Overview read, the model, the tree
//     with every branch open, laid out in a window);
//   - refresh: what the app does after a sync or any change
//     (mainView.notesChanged: one read for the note list, the editor's
//     conflict check and the sidebar, each rebuilt and laid out).
//
// Figures: ms-median of the single runs.
func BenchmarkSidebarRealCore(b *testing.B) {
	c := benchRealCore(b)
	h := newBenchUI(b, c)
	m := h.u.main
	m.side.tree.OpenAllBranches()
	w := test.NewWindow(nil)
	defer w.Close()
	w.Resize(fyne.NewSize(navWidth, 800))
	b.Run("build", func(b *testing.B) {
		timed(b, func(int) {
			s := newSidebar(h.u)
			s.tree.OpenAllBranches()
			w.SetContent(s.content)
		})
	})
	b.Run("refresh", func(b *testing.B) {
		timed(b, func(int) { m.notesChanged() })
	})
	s := m.side
	if len(s.model.notebooks) != 1000 || len(s.model.children[""]) != 100 || len(m.list.model.items) != benchVault {
		b.Fatalf("sidebar: %d notebooks, %d at the top; list: %d notes", len(s.model.notebooks), len(s.model.children[""]), len(m.list.model.items))
	}
}

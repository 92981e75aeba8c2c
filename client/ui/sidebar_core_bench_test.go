package ui

import (
	"context"
	"crypto/rand"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/importer"
	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/shared/cryptobox"
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
	for _, nb := range benchNotebooks() {
		parent := ""
		if nb.parent >= 0 {
			parent = nbs[nb.parent]
		}
		id, err := c.CreateNotebook(nb.name, parent)
		if err != nil {
			b.Fatal(err)
		}
		nbs = append(nbs, id)
	}
	var batch []importer.Pending
	for i := 0; i < benchVault; i++ {
		id, err := c.NewNoteID()
		if err != nil {
			b.Fatal(err)
		}
		n := benchNote(i)
		body := n.Body
		n.Body, n.Notebook, n.Created = "", nbs[i%len(nbs)], n.Modified
		batch = append(batch, importer.Pending{ID: id, Body: func([]string) string { return body }, Note: n})
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

package core_test

import (
	"strings"
	"testing"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/shared/note"
)

// TestAutosaveFromMergesOtherProcess: the app (a) and cipherleaf-cli (b)
// on one profile folder. a's editor holds typing made from the note as it
// loaded it (base) while b changes the note and commits. a's save must not
// undo b's change: it merges, or keeps a's edit as a conflicted copy.
// a's watcher is off, so the save itself finds the change, in the vault.
func TestAutosaveFromMergesOtherProcess(t *testing.T) {
	const orig = "line one\nline two\nline three\nline four\nline five\n"
	tests := []struct {
		name string
		cli  func(t *testing.T, b *core.Core, id string) // b's change, nil: none
		edit string                                      // a's body
		want core.Saved                                  // ID "" = the note; Note's body only
		note string                                      // the note's body after the save, "" = deleted
		copy string                                      // the conflicted copy's body
	}{
		{
			name: "nobody else wrote",
			edit: strings.Replace(orig, "line five", "line 5", 1),
			want: core.Saved{Note: &note.Note{Body: strings.Replace(orig, "line five", "line 5", 1)}},
			note: strings.Replace(orig, "line five", "line 5", 1),
		},
		{
			name: "other lines: merged",
			cli:  cliSetsBody(strings.Replace(orig, "line one", "line ONE (cli)", 1)),
			edit: strings.Replace(orig, "line five", "line 5 (app)", 1),
			want: core.Saved{Merged: true, Note: &note.Note{Body: "line ONE (cli)\nline two\nline three\nline four\nline 5 (app)\n"}},
			note: "line ONE (cli)\nline two\nline three\nline four\nline 5 (app)\n",
		},
		{
			name: "same line: both kept",
			cli:  cliSetsBody(strings.Replace(orig, "line three", "line three (cli)", 1)),
			edit: strings.Replace(orig, "line three", "line three (app)", 1),
			want: core.Saved{Conflict: true, Note: &note.Note{Body: strings.Replace(orig, "line three", "line three (app)", 1)}},
			note: strings.Replace(orig, "line three", "line three (cli)", 1),
			copy: strings.Replace(orig, "line three", "line three (app)", 1),
		},
		{
			name: "deleted by the other: the edit brings it back",
			cli: func(t *testing.T, b *core.Core, id string) {
				if err := b.Delete(id); err != nil {
					t.Fatal(err)
				}
			},
			edit: orig + "more\n",
			want: core.Saved{Note: &note.Note{Body: orig + "more\n"}},
			note: orig + "more\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeremote.New()
			dir := t.TempDir()
			a := deviceWith(t, srv, dir, func(c *core.Config) { c.WatchEvery = -1 })
			register(t, a, srv, "alice", "pw")
			b := deviceWith(t, srv, dir, func(c *core.Config) { c.WatchEvery = -1 })
			if err := b.Unlock([]byte("pw")); err != nil {
				t.Fatal(err)
			}
			id := create(t, a, "note", orig)
			base, err := a.Get(id)
			if err != nil {
				t.Fatal(err)
			}
			b.Lock()
			if err := b.Unlock([]byte("pw")); err != nil { // b reads a's note
				t.Fatal(err)
			}
			if tt.cli != nil {
				tt.cli(t, b, id)
			}
			edit := *base
			edit.Body = tt.edit
			got, err := a.AutosaveFrom(id, base, &edit)
			if err != nil {
				t.Fatalf("AutosaveFrom: %v", err)
			}
			wantID := id
			if tt.want.Conflict {
				wantID = got.ID
				if got.ID == id {
					t.Errorf("AutosaveFrom conflict saved to the note itself, want a copy")
				}
			}
			if got.ID != wantID || got.Merged != tt.want.Merged || got.Conflict != tt.want.Conflict || got.Note.Body != tt.want.Note.Body {
				t.Errorf("AutosaveFrom = {%s merged=%v conflict=%v body=%q}, want {%s merged=%v conflict=%v body=%q}",
					got.ID, got.Merged, got.Conflict, got.Note.Body, wantID, tt.want.Merged, tt.want.Conflict, tt.want.Note.Body)
			}
			// What the vault holds, read by a third process.
			c := deviceWith(t, srv, dir, func(c *core.Config) { c.WatchEvery = -1 })
			if err := c.Unlock([]byte("pw")); err != nil {
				t.Fatal(err)
			}
			n, err := c.Get(id)
			if err != nil {
				t.Fatalf("Get(note) after the save: %v", err)
			}
			if n.Body != tt.note {
				t.Errorf("note body = %q, want %q", n.Body, tt.note)
			}
			copies := c.Conflicts()
			switch {
			case tt.copy == "" && len(copies) != 0:
				t.Errorf("conflicted copies = %v, want none", copies)
			case tt.copy != "":
				cp, err := c.Get(got.ID)
				if err != nil || cp.Body != tt.copy || cp.ConflictOf != id || len(copies) != 1 {
					t.Errorf("copy %s = %+v, %v (copies %v); want body %q, conflict of %s", got.ID, cp, err, copies, tt.copy, id)
				}
			}
			// The save's note is the editor's next base: a second save
			// from it is written as it is.
			next := *got.Note
			next.Body += "typed on\n"
			again, err := a.AutosaveFrom(got.ID, got.Note, &next)
			if err != nil || again.Merged || again.Conflict || again.ID != got.ID || again.Note.Body != next.Body {
				t.Errorf("second AutosaveFrom = %+v, %v; want %s written as it is", again, err, got.ID)
			}
		})
	}
}

func cliSetsBody(body string) func(t *testing.T, b *core.Core, id string) {
	return func(t *testing.T, b *core.Core, id string) {
		t.Helper()
		n, err := b.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		n.Body = body
		if err := b.Update(id, n); err != nil {
			t.Fatal(err)
		}
	}
}

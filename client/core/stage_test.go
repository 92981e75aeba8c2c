package core_test

import (
	"fmt"
	"slices"
	"testing"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/shared/note"
)

// TestFirstPullIndexStaged: a first pull of many notes, tombstones among
// them or not, builds its search index apart while its transaction writes
// and adopts it; a small pull or a later one indexes as usual. Either way every search answers as on the device that wrote
// the notes.
func TestFirstPullIndexStaged(t *testing.T) {
	words := []string{"alpha", "beta", "gamma", "delta", "café", "Zürich"}
	tests := []struct {
		name      string
		notes     int
		deleteOne bool
		more      int // notes written and pulled after the first pull
		adopted   int64
	}{
		{name: "first pull", notes: 300, adopted: 1},
		{name: "with a tombstone", notes: 300, deleteOne: true, adopted: 1},
		{name: "small pull", notes: 20, adopted: 0},
		{name: "later pull", notes: 300, more: 300, adopted: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeremote.New()
			a := device(t, srv, t.TempDir())
			register(t, a, srv, "dave", "pw")
			write := func(from, to int) []string {
				var ids []string
				for i := from; i < to; i++ {
					n := &note.Note{
						Title: fmt.Sprintf("note %03d %s", i, words[i%len(words)]),
						Body:  fmt.Sprintf("%s %s body%d", words[(i+1)%len(words)], words[(i*7)%len(words)], i%13),
						Tags:  []string{fmt.Sprintf("tag%d", i%5)},
					}
					id, err := a.Create(n)
					if err != nil {
						t.Fatal(err)
					}
					ids = append(ids, id)
				}
				return ids
			}
			ids := write(0, tt.notes)
			if tt.deleteOne { // pushed, then deleted: the feed holds its tombstone
				mustSync(t, a)
				if err := a.Delete(ids[7]); err != nil {
					t.Fatal(err)
				}
			}
			mustSync(t, a)
			b := device(t, srv, t.TempDir())
			login(t, b, srv, "dave", "pw") // the first pull
			if tt.more > 0 {
				write(tt.notes, tt.notes+tt.more)
				mustSync(t, a)
				mustSync(t, b)
			}
			if got := core.StagedAdopted(b); got != tt.adopted {
				t.Errorf("indexes adopted = %d, want %d", got, tt.adopted)
			}
			queries := []string{"note", `"note 007"`, `"note 042 beta"`, "tag:tag3", "cafe", "zurich", "gam", "beta body4", "body12 delta", "nothing"}
			for _, w := range words {
				queries = append(queries, w)
			}
			for _, q := range queries {
				want, got := ids0(a.Search(q)), ids0(b.Search(q))
				if !slices.Equal(got, want) {
					t.Errorf("Search(%q) = %d notes %v…, want %d %v…", q, len(got), head(got), len(want), head(want))
				}
			}
			if len(b.List()) != len(a.List()) {
				t.Errorf("List() = %d notes, want %d", len(b.List()), len(a.List()))
			}
		})
	}
}

func ids0(ns []core.NoteInfo) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

func head(s []string) []string { return s[:min(3, len(s))] }

package merge

import (
	"slices"
	"strings"
	"testing"
	"time"

	"cipherleaf.dev/shared/note"
)

func TestNote(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	t1, t2 := t0.Add(time.Hour), t0.Add(2*time.Hour)
	base := &note.Note{Title: "Plan", Body: "a\nb\nc\n", Tags: []string{"work", "todo"}, Created: t0, Modified: t0}
	with := func(f func(n *note.Note)) *note.Note {
		n := *base
		n.Tags = slices.Clone(base.Tags)
		f(&n)
		return &n
	}
	tests := []struct {
		name         string
		base         *note.Note
		ours, theirs *note.Note
		want         *note.Note // nil when the merge must conflict
	}{
		{
			name:   "title one side, body other",
			base:   base,
			ours:   with(func(n *note.Note) { n.Title = "Plan B"; n.Modified = t1 }),
			theirs: with(func(n *note.Note) { n.Body = "a\nb\nC\n"; n.Modified = t2 }),
			want:   with(func(n *note.Note) { n.Title = "Plan B"; n.Body = "a\nb\nC\n"; n.Modified = t2 }),
		},
		{
			name:   "same title both sides",
			base:   base,
			ours:   with(func(n *note.Note) { n.Title = "Plan B"; n.Modified = t2 }),
			theirs: with(func(n *note.Note) { n.Title = "Plan B"; n.Modified = t1 }),
			want:   with(func(n *note.Note) { n.Title = "Plan B"; n.Modified = t2 }),
		},
		{
			name:   "title changed differently",
			base:   base,
			ours:   with(func(n *note.Note) { n.Title = "Plan B" }),
			theirs: with(func(n *note.Note) { n.Title = "Plan C" }),
		},
		{
			name:   "body conflict",
			base:   base,
			ours:   with(func(n *note.Note) { n.Body = "a\nX\nc\n" }),
			theirs: with(func(n *note.Note) { n.Body = "a\nY\nc\n" }),
		},
		{
			name:   "tags added and removed",
			base:   base,
			ours:   with(func(n *note.Note) { n.Tags = []string{"work", "todo", "home"} }),
			theirs: with(func(n *note.Note) { n.Tags = []string{"urgent", "work"} }),
			want:   with(func(n *note.Note) { n.Tags = []string{"work", "home", "urgent"} }),
		},
		{
			name:   "tag added on both sides once",
			base:   base,
			ours:   with(func(n *note.Note) { n.Tags = append(n.Tags, "x") }),
			theirs: with(func(n *note.Note) { n.Tags = append(n.Tags, "x") }),
			want:   with(func(n *note.Note) { n.Tags = append(n.Tags, "x") }),
		},
		{
			name:   "created is base's",
			base:   base,
			ours:   with(func(n *note.Note) { n.Created = t1 }),
			theirs: with(func(n *note.Note) { n.Created = t2 }),
			want:   base,
		},
		{
			name:   "nil base, same content",
			ours:   with(func(n *note.Note) { n.Created = t1 }),
			theirs: with(func(n *note.Note) { n.Created = t2; n.Modified = t2 }),
			want:   with(func(n *note.Note) { n.Created = t1; n.Modified = t2 }),
		},
		{
			name:   "nil base, different titles",
			ours:   with(func(n *note.Note) { n.Title = "A" }),
			theirs: with(func(n *note.Note) { n.Title = "B" }),
		},
		{
			name:   "conflict_of changed differently",
			base:   base,
			ours:   with(func(n *note.Note) { n.ConflictOf = "x" }),
			theirs: with(func(n *note.Note) { n.ConflictOf = "y" }),
		},
		{
			name: "too many tags after merge",
			base: base,
			ours: with(func(n *note.Note) {
				for i := range note.MaxTags - 2 {
					n.Tags = append(n.Tags, "o"+string(rune('A'+i)))
				}
			}),
			theirs: with(func(n *note.Note) { n.Tags = append(n.Tags, "t1", "t2") }),
		},
		{name: "nil ours", base: base, theirs: base},
		{name: "nil theirs", base: base, ours: base},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Note(tt.base, tt.ours, tt.theirs)
			if tt.want == nil {
				if ok || got != nil {
					t.Fatalf("Note() = %+v, %v, want nil, false", got, ok)
				}
				return
			}
			if !ok {
				t.Fatalf("Note() = nil, false, want %+v", tt.want)
			}
			if got.Title != tt.want.Title || got.Body != tt.want.Body || !slices.Equal(got.Tags, tt.want.Tags) ||
				!got.Created.Equal(tt.want.Created) || !got.Modified.Equal(tt.want.Modified) || got.ConflictOf != tt.want.ConflictOf {
				t.Errorf("Note() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestNoteKeepsUnknownFields checks that fields from a newer writer survive a merge.
func TestNoteKeepsUnknownFields(t *testing.T) {
	payload := `{"v":1,"title":"t","body":"a\n","tags":[],"created":"2025-01-01T00:00:00Z","modified":"2025-01-01T00:00:00Z","color":"red"}`
	ours, err := note.Unmarshal([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := note.Unmarshal([]byte(payload))
	theirs, _ := note.Unmarshal([]byte(payload))
	theirs.Body = "a\nb\n"
	m, ok := Note(base, ours, theirs)
	if !ok {
		t.Fatal("Note() conflicts")
	}
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, _ := note.Unmarshal(b)
	if back.Body != "a\nb\n" {
		t.Fatalf("merged body = %q", back.Body)
	}
	if want := `"color":"red"`; !strings.Contains(string(b), want) {
		t.Errorf("merged payload %s lacks %s", b, want)
	}
}

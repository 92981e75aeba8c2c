package merge

import (
	"testing"
	"time"

	"cipherleaf.dev/shared/note"
)

func TestNotePlaceAndTrash(t *testing.T) {
	const (
		a = "0a1b2c3d-4e5f-4a6b-8c7d-00000000000a"
		b = "0a1b2c3d-4e5f-4a6b-8c7d-00000000000b"
	)
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	t1, t2 := t0.Add(time.Minute), t0.Add(2*time.Minute)
	mk := func(nb string, trashed, mod time.Time) *note.Note {
		return &note.Note{Title: "x", Notebook: nb, TrashedAt: trashed, Created: t0, Modified: mod}
	}
	var zero time.Time
	tests := []struct {
		name               string
		base, ours, theirs *note.Note
		wantNB             string
		wantTrashed        time.Time
	}{
		{"only theirs moved", mk("", zero, t0), mk("", zero, t1), mk(a, zero, t2), a, zero},
		{"only ours moved", mk(a, zero, t0), mk(b, zero, t1), mk(a, zero, t2), b, zero},
		{"both moved, theirs later", mk("", zero, t0), mk(a, zero, t1), mk(b, zero, t2), b, zero},
		{"both moved, ours later", mk("", zero, t0), mk(b, zero, t2), mk(a, zero, t1), b, zero},
		{"both moved, same time: greater id", mk("", zero, t0), mk(a, zero, t1), mk(b, zero, t1), b, zero},
		{"same time, reversed sides", mk("", zero, t0), mk(b, zero, t1), mk(a, zero, t1), b, zero},
		{"trashed on one side", mk(a, zero, t0), mk(a, t1, t1), mk(b, zero, t2), b, t1},
		{"untrashed later wins", mk(a, t0, t0), mk(a, zero, t2), mk(a, t1, t1), a, zero},
		{"trash and untrash at the same time: trashed", mk(a, t0, t0), mk(a, zero, t1), mk(a, t1, t1), a, t1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := Note(tt.base, tt.ours, tt.theirs)
			if !ok {
				t.Fatalf("Note() ok = false, want a merge")
			}
			if m.Notebook != tt.wantNB || !m.TrashedAt.Equal(tt.wantTrashed) {
				t.Errorf("Note() notebook, trashed = %q, %v, want %q, %v", m.Notebook, m.TrashedAt, tt.wantNB, tt.wantTrashed)
			}
		})
	}
	t.Run("notebook renamed on both sides: later name", func(t *testing.T) {
		o, th := mk("", zero, t2), mk(a, zero, t1)
		o.Kind, th.Kind, o.Title, th.Title = note.KindNotebook, note.KindNotebook, "Ours", "Theirs"
		base := mk("", zero, t0)
		base.Kind = note.KindNotebook
		m, ok := Note(base, o, th)
		if !ok || m.Title != "Ours" || m.Notebook != a {
			t.Errorf("Note() = %+v, %v, want title Ours in %s", m, ok, a)
		}
	})
	t.Run("kind changed both ways conflicts", func(t *testing.T) {
		o, th := mk("", zero, t1), mk("", zero, t1)
		o.Kind, th.Kind = note.KindNotebook, "folder"
		if _, ok := Note(mk("", zero, t0), o, th); ok {
			t.Errorf("Note() ok = true, want a conflict")
		}
	})
}

package merge

import (
	"testing"
	"time"

	"cipherleaf.dev/shared/note"
)

// TestNoteSettings: trash_days of one settings item edited on two devices
// merges as a single value (SPEC §12.5 conflict 2) and never conflicts.
func TestNoteSettings(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	t1, t2 := t0.Add(time.Minute), t0.Add(2*time.Minute)
	mk := func(days int, mod time.Time) *note.Note {
		return &note.Note{Kind: note.KindSettings, TrashDays: days, Created: t0, Modified: mod}
	}
	tests := []struct {
		name               string
		base, ours, theirs *note.Note
		want               int
	}{
		{"only theirs changed", mk(30, t0), mk(30, t2), mk(7, t1), 7},
		{"only ours changed", mk(30, t0), mk(90, t1), mk(30, t2), 90},
		{"both changed, theirs later", mk(30, t0), mk(90, t1), mk(7, t2), 7},
		{"both changed, ours later", mk(30, t0), mk(90, t2), mk(7, t1), 90},
		{"both changed, same time: greater", mk(30, t0), mk(7, t1), mk(90, t1), 90},
		{"same time, reversed sides", mk(30, t0), mk(90, t1), mk(7, t1), 90},
		{"same change on both", mk(30, t0), mk(14, t1), mk(14, t2), 14},
		{"set from absent on one side", mk(0, t0), mk(0, t2), mk(365, t1), 365},
		{"two creations (no base), later wins", nil, mk(7, t1), mk(90, t2), 90},
		{"cleared on the later side", mk(30, t0), mk(0, t2), mk(7, t1), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := Note(tt.base, tt.ours, tt.theirs)
			if !ok {
				t.Fatalf("Note() ok = false, want a merge (settings never conflict)")
			}
			if m.TrashDays != tt.want || !m.IsSettings() {
				t.Errorf("Note() trash_days, kind = %d, %q, want %d, settings", m.TrashDays, m.Kind, tt.want)
			}
		})
	}
}

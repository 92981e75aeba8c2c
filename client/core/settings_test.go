package core

import (
	"testing"
	"time"

	"cipherleaf.dev/shared/note"
)

// TestEffectiveSettings: the account's settings come from the live
// settings item with the latest modified, then the smallest id (SPEC
// §12.5), whatever else the vault holds.
func TestEffectiveSettings(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	t1 := t0.Add(time.Second)
	settings := func(days int, mod time.Time) *entry {
		return &entry{n: &note.Note{Kind: note.KindSettings, TrashDays: days, Modified: mod}}
	}
	other := func(kind string, mod time.Time) *entry {
		return &entry{n: &note.Note{Kind: kind, Title: "x", Modified: mod}}
	}
	tests := []struct {
		name     string
		items    map[int]*entry
		wantID   int // -1 = none
		wantDays int
	}{
		{"none: default", map[int]*entry{1: other(note.KindNote, t1), 2: other(note.KindNotebook, t1)}, -1, 30},
		{"one", map[int]*entry{1: other(note.KindNote, t1), 2: settings(7, t0)}, 2, 7},
		{"latest modified wins", map[int]*entry{1: settings(7, t1), 2: settings(90, t0)}, 1, 7},
		{"latest modified wins, other order", map[int]*entry{1: settings(7, t0), 2: settings(90, t1)}, 2, 90},
		{"equal times: smallest id", map[int]*entry{3: settings(7, t0), 2: settings(90, t0), 4: settings(14, t0)}, 2, 90},
		{"winner without trash_days: default, not the loser's", map[int]*entry{1: settings(0, t1), 2: settings(7, t0)}, 1, 30},
		{"out of range: default", map[int]*entry{1: settings(3651, t0)}, 1, 30},
		{"later note ignored", map[int]*entry{1: settings(7, t0), 2: other(note.KindNote, t1), 3: other("future", t1)}, 1, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 5 { // map order must not matter
				notes := map[string]*entry{}
				for i, e := range tt.items {
					notes[nbID(i)] = e
				}
				id, n := effectiveSettings(notes)
				want := ""
				if tt.wantID >= 0 {
					want = nbID(tt.wantID)
				}
				if id != want || n.TrashDaysOr() != tt.wantDays {
					t.Fatalf("effectiveSettings() = %q (%d days), want %q (%d days)", id, n.TrashDaysOr(), want, tt.wantDays)
				}
			}
		})
	}
}

package ui

import (
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/note"
)

// baseRecorder is a saveFunc that records the base each save is sent with
// and answers what next says.
type baseRecorder struct {
	bases []*note.Note
	ids   []string
	next  func(id string, n *note.Note) core.Saved
}

func (r *baseRecorder) save(id string, base, n *note.Note) (core.Saved, error) {
	r.ids = append(r.ids, id)
	r.bases = append(r.bases, base)
	if r.next != nil {
		return r.next(id, n), nil
	}
	cp := *n
	return core.Saved{ID: id, Note: &cp}, nil
}

// TestAutosaverBase: each save is sent with the note its text was made
// from: the opened note, then what the last save stored; after a merge,
// the version sent until Rebase shows the merge; after a conflicted save,
// the edits of the note go to its copy.
func TestAutosaverBase(t *testing.T) {
	clock := newFakeClock()
	r := &baseRecorder{}
	s := newAutosaver(time.Second, clock.after, r.save, nil)
	opened := &note.Note{Body: "v0"}
	s.Open("a", opened)
	s.Changed("a", &note.Note{Body: "v1"})
	s.Flush()
	if r.bases[0] != opened {
		t.Fatalf("first save's base = %v, want the opened note", r.bases[0])
	}
	s.Changed("a", &note.Note{Body: "v2"})
	s.Flush()
	if got := r.bases[1]; got == nil || got.Body != "v1" {
		t.Fatalf("second save's base = %v, want what the first stored (v1)", got)
	}

	// A merge: the next save's base is the version sent, until Rebase.
	merged := &note.Note{Body: "other\nv3"}
	r.next = func(id string, _ *note.Note) core.Saved { return core.Saved{ID: id, Note: merged, Merged: true} }
	sent := &note.Note{Body: "v3"}
	s.Changed("a", sent)
	s.Flush()
	r.next = nil
	if s.Rebase("a", &note.Note{Body: "v3"}, merged, func() (*note.Note, bool, bool) { return nil, false, true }) {
		t.Fatal("Rebase from a version that was not sent ran")
	}
	typed := &note.Note{Body: "other\nv3 and more"}
	applied := false
	if !s.Rebase("a", sent, merged, func() (*note.Note, bool, bool) { applied = true; return typed, true, true }) || !applied {
		t.Fatal("Rebase of the save's merge did not run")
	}
	if !s.Pending() {
		t.Fatal("the editor's version over the merge is not pending")
	}
	s.Flush()
	if got := r.bases[len(r.bases)-1]; got != merged {
		t.Fatalf("save after Rebase sent base %v, want the merge", got)
	}

	// A conflicted save moves the note's edits to its copy.
	r.next = func(_ string, n *note.Note) core.Saved {
		cp := *n
		cp.ConflictOf = "a"
		return core.Saved{ID: "copy", Note: &cp, Conflict: true}
	}
	s.Changed("a", &note.Note{Body: "mine"})
	s.Flush()
	r.next = nil
	s.Changed("a", &note.Note{Body: "mine, more"}) // the editor still on "a"
	s.Flush()
	if got, base := r.ids[len(r.ids)-1], r.bases[len(r.bases)-1]; got != "copy" || base == nil || base.ConflictOf != "a" {
		t.Fatalf("edit after the conflict saved to %s from %+v, want the copy from its stored version", got, base)
	}
}

// TestAutosaverBusy: Busy holds while a save runs, not only while an edit
// waits for one, so a reload does not replace text being saved.
func TestAutosaverBusy(t *testing.T) {
	clock := newFakeClock()
	var s *autosaver
	var busyDuring bool
	s = newAutosaver(time.Second, clock.after, func(id string, _, n *note.Note) (core.Saved, error) {
		busyDuring = s.Busy()
		return core.Saved{ID: id, Note: n}, nil
	}, nil)
	s.Changed("a", &note.Note{Body: "x"})
	if !s.Busy() {
		t.Fatal("Busy() = false with an edit waiting")
	}
	s.Flush()
	if !busyDuring || s.Busy() {
		t.Fatalf("Busy() during the save = %v, after = %v; want true, false", busyDuring, s.Busy())
	}
}

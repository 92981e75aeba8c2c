package syncer

import (
	"context"
	"testing"

	"cipherleaf.dev/client/search"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/note"
)

// TestStage: a pull into an empty vault hands Stage one update per change,
// in feed order, unprepared, and ends it once with the committed updates,
// which are the staged ones, in place of OnUpdate; a pull into a vault that
// holds notes prepares while decrypting and calls OnUpdate.
func TestStage(t *testing.T) {
	srv, uid, b := newServer(t)
	a := newSide(t, srv, uid, b, nil)
	c := newSide(t, srv, uid, b, nil)
	prepared := 0
	c.e.cfg.Prepare = func(id string, n *note.Note) search.Prepared {
		prepared++ // decryption runs in parallel only for pages over 64 notes
		return search.Prepare(search.Doc{ID: id, Title: n.Title})
	}
	var staged, ended [][]Update
	onUpdate := c.e.cfg.OnUpdate
	updated := 0
	c.e.cfg.OnUpdate = func(ups []Update) { updated++; onUpdate(ups) }
	c.e.cfg.Stage = func(ups []Update) func([]Update, bool) {
		staged = append(staged, ups)
		return func(ups []Update, committed bool) {
			if !committed {
				t.Error("a committed pull ended its stage uncommitted")
			}
			ended = append(ended, ups)
			onUpdate(ups)
		}
	}
	a.put(t, id1, "hello")
	a.put(t, id2, "world")
	if _, err := a.e.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.e.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(staged) != 1 || len(ended) != 1 || updated != 0 || prepared != 0 {
		t.Fatalf("first pull: %d stages, %d ends, %d OnUpdate, %d prepared; want 1, 1, 0, 0", len(staged), len(ended), updated, prepared)
	}
	if got := staged[0]; len(got) != 2 || got[0].ID != id1 || got[1].ID != id2 || got[0].Note.Body != "hello" || got[0].Prepared != nil {
		t.Fatalf("staged %+v, want %s then %s, unprepared", got, id1, id2)
	}
	for i, u := range ended[0] {
		if s := staged[0][i]; u.ID != s.ID || u.Note != s.Note || u.Prepared != s.Prepared || u.Keep {
			t.Errorf("committed update %d = %+v, staged %+v", i, u, s)
		}
	}
	if c.notes[id2].Body != "world" {
		t.Errorf("notes after the first pull: %v", c.notes)
	}
	a.put(t, id1, "again")
	if _, err := a.e.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.e.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(staged) != 1 || updated != 1 || prepared != 1 || c.notes[id1].Body != "again" {
		t.Fatalf("second pull: %d stages, %d OnUpdate, %d prepared, body %q; want 1, 1, 1, again", len(staged), updated, prepared, c.notes[id1].Body)
	}
}

// TestStageNotCommitted: a pull whose transaction fails (its context is
// canceled once Stage has the updates) ends its stage uncommitted, calls
// no OnUpdate and leaves the vault as it was.
func TestStageNotCommitted(t *testing.T) {
	srv, uid, b := newServer(t)
	a := newSide(t, srv, uid, b, nil)
	c := newSide(t, srv, uid, b, nil)
	a.put(t, id1, "hello")
	if _, err := a.e.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var ends []bool
	c.e.cfg.OnUpdate = func([]Update) { t.Error("OnUpdate called for a pull that did not commit") }
	c.e.cfg.Stage = func(ups []Update) func([]Update, bool) {
		cancel()
		return func(ups []Update, committed bool) {
			if ups != nil {
				t.Errorf("an uncommitted stage ended with %d updates", len(ups))
			}
			ends = append(ends, committed)
		}
	}
	if _, err := c.e.Sync(ctx); err == nil {
		t.Fatal("Sync with its context canceled before the transaction = nil error")
	}
	if len(ends) != 1 || ends[0] {
		t.Fatalf("stage ended %v, want once, uncommitted", ends)
	}
	if cur := c.cursor(t); cur != 0 {
		t.Errorf("cursor after the failed pull = %d, want 0", cur)
	}
	err := c.v.View(context.Background(), func(tx *vault.Tx) error {
		has, err := tx.HasNotes()
		if err == nil && has {
			t.Error("the failed pull left notes in the vault")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

package core_test

import (
	"context"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/note"
)

// noPoll is an auto-sync interval no test outlives: whatever syncs during
// the test was set off by a poke (or an edit, and these devices make none).
const noPoll = 24 * time.Hour

// waitBody waits until c holds note id with body, or fails after d.
func waitBody(t *testing.T, c *core.Core, id, body string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		if n, err := c.Get(id); err == nil && n.Body == body {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("note %s did not reach body %q within %v", id, body, d)
		}
		time.Sleep(2 * time.Millisecond) // polling, bounded by the deadline
	}
}

// TestE2EPushPoke: device B, whose auto-sync polls once a day, sees device
// A's new note and A's edit through the event stream's pokes; after the
// server restarts, the stream reopens (Last-Event-ID) and the next edit
// arrives the same way. Locking B ends its stream, unlocking reopens it.
func TestE2EPushPoke(t *testing.T) {
	s := startServer(t)
	a := realDevice(t, t.TempDir())
	b := realDevice(t, t.TempDir())
	realRegister(t, a, s, "pushy", "pw")
	realLogin(t, b, s, "pushy", "pw")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.StartAutoSync(ctx, noPoll)

	id := create(t, a, "pushed", "one")
	mustSync(t, a)
	waitBody(t, b, id, "one", 10*time.Second)

	if err := a.Update(id, &note.Note{Title: "pushed", Body: "two"}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	mustSync(t, a)
	waitBody(t, b, id, "two", 10*time.Second)

	s.Restart()
	if err := a.Update(id, &note.Note{Title: "pushed", Body: "three"}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	mustSync(t, a)
	waitBody(t, b, id, "three", 30*time.Second) // the reconnection backs off up to a few seconds

	b.Lock()
	if err := a.Update(id, &note.Note{Title: "pushed", Body: "four"}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	mustSync(t, a)
	if err := b.Unlock([]byte("pw")); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	waitBody(t, b, id, "four", 10*time.Second) // the reopened stream pokes at once: B's cursor is behind
}

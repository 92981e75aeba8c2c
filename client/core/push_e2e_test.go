package core_test

import (
	"context"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/testserver"
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

// TestE2EPushStreamEndsOnLockAndLogout: the sync status says Live while
// the event stream is open, and locking or logging out ends the stream at
// once on the server too (its request is counted when it ends), not at the
// server's next heartbeat check 25 s later.
func TestE2EPushStreamEndsOnLockAndLogout(t *testing.T) {
	maddr := freeAddr(t)
	if serverBin == "" {
		t.Skip("end-to-end test skipped under -short")
	}
	s := testserver.Start(t, serverBin, "--auth-ip-burst", "1000", "--auth-user-burst", "1000", "--lockout-after", "0", "--metrics-addr", maddr)
	b := realDevice(t, t.TempDir())
	realRegister(t, b, s, "livey", "pw")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.StartAutoSync(ctx, noPoll)
	// waitFor gives each step 10 s, far below the 25 s heartbeat.
	ended := func() float64 { return requestCount(t, maddr, `route="/api/v1/events"`) }

	waitFor(t, "Live after StartAutoSync", func() bool { return b.Status().Live })
	n0 := ended()
	b.Lock()
	waitFor(t, "stream ended on the server after Lock", func() bool { return ended() > n0 })
	// The server may count the closed stream a moment before the client's
	// stream goroutine has returned and cleared Live.
	waitFor(t, "not Live after Lock", func() bool { return !b.Status().Live })
	if err := b.Unlock([]byte("pw")); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	waitFor(t, "Live again after Unlock", func() bool { return b.Status().Live })
	n1 := ended()
	if err := b.Logout(context.Background()); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	waitFor(t, "stream ended on the server after Logout", func() bool { return ended() > n1 })
	waitFor(t, "not Live after Logout", func() bool { return !b.Status().Live })
}

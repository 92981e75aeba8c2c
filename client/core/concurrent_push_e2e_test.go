package core_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/manifest"
	"cipherleaf.dev/shared/note"
)

// TestE2EConcurrentPushNoFalseFork: device A pushes 2,500 new notes (three
// atomic batches) while device B keeps editing and syncing, three times
// over, against the real server. No sync of either may report a detection
// (fork, state mismatch, rollback): a batch the server refuses because B
// wrote first is pushed again after a pull. The push used to send a batch
// while the one before it was still on the wire; when B took the manifest
// version that batch was based on, the server (which checks the base
// version by number) applied it on top of B's write, and every device then
// saw a fork.
func TestE2EConcurrentPushNoFalseFork(t *testing.T) {
	s := startServer(t)
	a, b := realDevice(t, t.TempDir()), realDevice(t, t.TempDir())
	realRegister(t, a, s, "racer", "pw")
	realLogin(t, b, s, "racer", "pw")
	bID := create(t, b, "b's note", "0")
	mustSync(t, b)
	mustSync(t, a)
	detection := func(err error) bool {
		var d *manifest.Detection
		return errors.As(err, &d)
	}
	const perRound = 2500
	for round := range 3 {
		for i := range perRound {
			create(t, a, fmt.Sprintf("a %d %d", round, i), "body")
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var bErr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 1; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := b.Update(bID, &note.Note{Title: "b's note", Body: fmt.Sprint(round, n)}); err != nil {
					bErr = err
					return
				}
				if _, err := b.Sync(context.Background()); detection(err) {
					bErr = err
					return
				}
			}
		}()
		_, err := a.Sync(context.Background())
		close(stop)
		wg.Wait()
		if detection(err) {
			t.Fatalf("round %d: A's push met B's writes and reported: %v", round, err)
		}
		if bErr != nil {
			t.Fatalf("round %d: B: %v", round, bErr)
		}
	}
	// Both settle on the same notes.
	for _, d := range []*core.Core{a, b, a} {
		mustSync(t, d)
	}
	want := 3*perRound + 1
	if na, nb := len(a.List()), len(b.List()); na != want || nb != want {
		t.Fatalf("A holds %d notes, B %d; want %d each", na, nb, want)
	}
}

package sqlite

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"

	"cipherleaf.dev/server"
)

// TestGroupCommitConcurrent: concurrent writers through the group
// committer get unique, gap-free sequence numbers, and on one note exactly
// one writer wins each revision.
func TestGroupCommitConcurrent(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	const writers, perWriter = 16, 20
	var mu sync.Mutex
	var seqs []uint64
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("00000000-0000-4000-8000-%012d", w)
			for rev := uint64(0); rev < perWriter; rev++ {
				_, seq, err := s.WriteNote(ctx, u.ID, 0, &server.Write{ID: id, BaseRev: rev, Blob: []byte("x")})
				if err != nil {
					t.Errorf("writer %d rev %d: %v", w, rev, err)
					return
				}
				mu.Lock()
				seqs = append(seqs, seq)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	for i, seq := range seqs {
		if seq != uint64(i+1) {
			t.Fatalf("sequence numbers not 1..%d without gaps: position %d has %d", len(seqs), i, seq)
		}
	}

	// Racing on one note.
	for rev := uint64(0); rev < 5; rev++ {
		var wins, conflicts int
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := s.WriteNote(ctx, u.ID, 0, &server.Write{ID: id1, BaseRev: rev, Blob: []byte("y")})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case errors.Is(err, server.ErrConflict):
					conflicts++
				default:
					t.Errorf("WriteNote: %v", err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 || conflicts != 7 {
			t.Errorf("revision %d: %d wins, %d conflicts; want 1 and 7", rev+1, wins, conflicts)
		}
	}
}

// TestWriteAfterClose: a write after Close fails instead of hanging.
func TestWriteAfterClose(t *testing.T) {
	s := openTest(t)
	u, _ := newUser(t, s, "alice")
	s.Close()
	if _, _, err := s.WriteNote(context.Background(), u.ID, 0, &server.Write{ID: id1, Blob: []byte("x")}); !errors.Is(err, server.ErrClosed) {
		t.Errorf("WriteNote after Close = %v, want server.ErrClosed", err)
	}
}

package syncer

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// claimingRemote gives a Remote ChangesAhead: each page tells, before it
// is returned, the cursor claim(page) says it ends at. It records the
// cursor of every request, and the first page waits until the request
// for the page after it has begun (fetched ahead) or a deadline passes.
type claimingRemote struct {
	Remote
	claim func(p *protocol.ChangesResponse) (next uint64, more bool)

	mu       sync.Mutex
	asked    []uint64
	begun    map[uint64]chan struct{}
	aheadHit bool // the second page was asked for while the first was still being answered
}

func (r *claimingRemote) started(since uint64) chan struct{} {
	if r.begun == nil {
		r.begun = map[uint64]chan struct{}{}
	}
	ch, ok := r.begun[since]
	if !ok {
		ch = make(chan struct{})
		r.begun[since] = ch
	}
	return ch
}

func (r *claimingRemote) ChangesAhead(ctx context.Context, since uint64, limit int, ahead func(next uint64, more bool)) (*protocol.ChangesResponse, error) {
	r.mu.Lock()
	first := len(r.asked) == 0
	r.asked = append(r.asked, since)
	if ch := r.started(since); !slices.Contains(r.asked[:len(r.asked)-1], since) {
		close(ch)
	}
	r.mu.Unlock()
	p, err := r.Remote.Changes(ctx, since, limit)
	if err != nil {
		return nil, err
	}
	next, more := r.claim(p)
	ahead(next, more)
	if first && more && p.More && next == p.Next {
		r.mu.Lock()
		ch := r.started(p.Next)
		r.mu.Unlock()
		select {
		case <-ch:
			r.mu.Lock()
			r.aheadHit = true
			r.mu.Unlock()
		case <-time.After(10 * time.Second):
		}
	}
	return p, nil
}

// TestPullFetchesAhead: with a remote that tells where a page ends before
// decoding it, the next page is asked for at once, each page exactly once,
// and a claim that the decoded page contradicts (a wrong cursor, more or
// not) is never followed: the pull ends with what an ordinary one gets.
func TestPullFetchesAhead(t *testing.T) {
	const notes = 7
	tests := []struct {
		name   string
		claim  func(p *protocol.ChangesResponse) (uint64, bool)
		honest bool
	}{
		{"honest", func(p *protocol.ChangesResponse) (uint64, bool) { return p.Next, p.More }, true},
		{"cursor too far", func(p *protocol.ChangesResponse) (uint64, bool) { return p.Next + 1, true }, false},
		{"cursor too near", func(p *protocol.ChangesResponse) (uint64, bool) { return max(p.Next, 2) - 1, true }, false},
		{"more when it ends", func(p *protocol.ChangesResponse) (uint64, bool) { return p.Next, true }, false},
		{"no more when it goes on", func(p *protocol.ChangesResponse) (uint64, bool) { return p.Next, false }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, uid, b := newServer(t)
			a := newSide(t, srv, uid, b, nil)
			for i := range notes {
				a.put(t, fmt.Sprintf("33333333-3333-4333-8333-%012d", i), fmt.Sprint("body ", i))
			}
			if _, err := a.e.Sync(context.Background()); err != nil {
				t.Fatal(err)
			}
			plain := newSide(t, srv, uid, b, nil)
			plain.e.cfg.PageLimit = 2
			if _, err := plain.e.Sync(context.Background()); err != nil {
				t.Fatal(err)
			}
			r := &claimingRemote{claim: tc.claim}
			c := newSide(t, srv, uid, b, func(rm Remote) Remote { r.Remote = rm; return r })
			c.e.cfg.PageLimit = 2
			rep, err := c.e.Sync(context.Background())
			if err != nil || rep.Pulled != notes {
				t.Fatalf("Sync = %+v, %v; want %d pulled", rep, err, notes)
			}
			if len(c.notes) != notes || !maps.EqualFunc(c.notes, plain.notes, func(x, y *note.Note) bool { return x.Body == y.Body }) {
				t.Errorf("pulled %d notes, different from an ordinary pull's %d", len(c.notes), len(plain.notes))
			}
			if c.cursor(t) != plain.cursor(t) {
				t.Errorf("cursor %d, an ordinary pull's %d", c.cursor(t), plain.cursor(t))
			}
			r.mu.Lock()
			defer r.mu.Unlock()
			if tc.honest {
				sorted := slices.Sorted(slices.Values(r.asked))
				if !slices.Equal(sorted, slices.Compact(slices.Clone(sorted))) {
					t.Errorf("pages asked for at cursors %v: one twice", r.asked)
				}
				if len(r.asked) != (notes+1)/2 {
					t.Errorf("%d pages asked for, want %d", len(r.asked), (notes+1)/2)
				}
				if !r.aheadHit {
					t.Error("the second page was not asked for before the first was answered")
				}
			}
		})
	}
}

// editAfterFirstPage has the other device edit the first note of the
// first page once that page is served, so that it comes again in a later
// page.
type editAfterFirstPage struct {
	Remote
	t    *testing.T
	a    *side
	id   string
	done bool
}

func (r *editAfterFirstPage) Changes(ctx context.Context, since uint64, limit int) (*protocol.ChangesResponse, error) {
	p, err := r.Remote.Changes(ctx, since, limit)
	if err == nil && !r.done && len(p.Changes) > 0 {
		r.done = true
		r.id = p.Changes[0].ID
		r.a.put(r.t, r.id, "edited during the pull")
		if _, err := r.a.e.Sync(context.Background()); err != nil {
			r.t.Error(err)
		}
	}
	return p, err
}

// TestPullIntoEmptyVaultMeetsNoteTwice: a first pull whose later page
// brings again a note an earlier page wrote ends with its newer revision.
func TestPullIntoEmptyVaultMeetsNoteTwice(t *testing.T) {
	srv, uid, b := newServer(t)
	a := newSide(t, srv, uid, b, nil)
	for i := range 5 {
		a.put(t, fmt.Sprintf("44444444-4444-4444-8444-%012d", i), "other")
	}
	if _, err := a.e.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := &editAfterFirstPage{t: t, a: a}
	c := newSide(t, srv, uid, b, func(rm Remote) Remote { r.Remote = rm; return r })
	c.e.cfg.PageLimit = 2
	if _, err := c.e.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := c.notes[r.id]; n == nil || n.Body != "edited during the pull" {
		t.Fatalf("note after the pull = %+v, want the edit made during it", n)
	}
	if len(c.notes) != 5 {
		t.Errorf("%d notes, want 5", len(c.notes))
	}
}

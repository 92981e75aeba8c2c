package core

import (
	"cipherleaf.dev/client/search"
	"cipherleaf.dev/client/syncer"
)

// minStaged is the smallest pull whose index is built apart: below it, a
// goroutine costs more than it saves.
const minStaged = 256

// staged is the search index of a first pull built apart, and the updates
// it was built from, in order.
type staged struct {
	ix  *search.Index
	ups []syncer.Update
	ps  []search.Prepared // the notes of ups, prepared, in order
}

// stagePull is the syncer's Stage. While a first pull's transaction
// writes (one core busy), the notes it pulled are prepared and put into
// a search index of their own on another goroutine, exactly as
// applyUpdates would put them into an index that never held a note. After
// the commit, applyStaged adopts that index when the pull's updates are
// the ones staged and the Core's index still never held a note; otherwise
// it is dropped and the notes are indexed as usual. Nothing of it is
// visible before the commit.
func (c *Core) stagePull(ups []syncer.Update) func([]syncer.Update, bool) {
	if len(ups) < minStaged || c.index.Len() > 0 {
		return func(ups []syncer.Update, committed bool) {
			if committed {
				c.applyUpdates(ups)
			}
		}
	}
	st := &staged{ix: search.New(), ups: ups}
	ready := make(chan struct{})
	go func() {
		defer close(ready)
		st.build()
	}()
	return func(ups []syncer.Update, committed bool) {
		<-ready
		if committed {
			c.applyStaged(ups, st)
		}
	}
}

// build prepares the staged notes and puts them into st.ix.
func (st *staged) build() {
	st.ps = make([]search.Prepared, 0, len(st.ups))
	for _, u := range st.ups {
		switch {
		case u.Note == nil:
		case u.Prepared != nil:
			st.ps = append(st.ps, *u.Prepared)
		default:
			st.ps = append(st.ps, search.Prepare(doc(u.ID, u.Note)))
		}
	}
	st.putInto(st.ix)
}

// putInto puts the staged updates into ix as applyStaged's loop would:
// notes in batches, each delete after the notes before it.
func (st *staged) putInto(ix *search.Index) {
	from, k := 0, 0 // st.ps[from:k] is the batch
	for _, u := range st.ups {
		if u.Note != nil {
			k++
			continue
		}
		ix.PutPrepared(st.ps[from:k]...)
		from = k
		ix.Delete(u.ID)
	}
	ix.PutPrepared(st.ps[from:k]...)
}

// matches reports whether ups are the staged updates: the same notes, in
// the same order.
func (st *staged) matches(ups []syncer.Update) bool {
	if len(ups) != len(st.ups) {
		return false
	}
	for i, u := range ups {
		s := st.ups[i]
		if u.Keep || u.ID != s.ID || u.Note != s.Note || u.Prepared != s.Prepared {
			return false
		}
	}
	return true
}

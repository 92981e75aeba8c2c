package core

import (
	"cipherleaf.dev/client/search"
	"cipherleaf.dev/client/syncer"
)

// minStaged is the smallest pull whose index is built apart: below it, a
// goroutine costs more than it saves.
const minStaged = 256

// staged is the search index of a pull's notes built apart, and the
// prepared notes it was built from, in order.
type staged struct {
	ix *search.Index
	ps []*search.Prepared
}

// stagePull is the syncer's Stage: while a pull's transaction writes (one
// core busy), the search index of a first pull — into an index that holds
// no note — is built from the notes the pull prepared, on another
// goroutine. After the commit, applyStaged adopts it when the pull's
// updates are those very notes in that order, which they are unless the
// pull had something to resolve; otherwise it is dropped and the notes are
// indexed as usual. Nothing of it is visible before the commit.
func (c *Core) stagePull(ps []*search.Prepared) func([]syncer.Update, bool) {
	if len(ps) < minStaged || c.index.Len() > 0 {
		return func(ups []syncer.Update, committed bool) {
			if committed {
				c.applyUpdates(ups)
			}
		}
	}
	st := &staged{ix: search.New(), ps: ps}
	ready := make(chan struct{})
	go func() {
		defer close(ready)
		st.ix.PutPrepared(st.batch()...)
	}()
	return func(ups []syncer.Update, committed bool) {
		<-ready
		if committed {
			c.applyStaged(ups, st)
		}
	}
}

// matches reports whether ups put exactly the staged notes, in order, and
// nothing else.
func (st *staged) matches(ups []syncer.Update) bool {
	if len(ups) != len(st.ps) {
		return false
	}
	for i, u := range ups {
		if u.Keep || u.Note == nil || u.Prepared != st.ps[i] {
			return false
		}
	}
	return true
}

// batch returns the staged notes as PutPrepared takes them.
func (st *staged) batch() []search.Prepared {
	b := make([]search.Prepared, len(st.ps))
	for i, p := range st.ps {
		b[i] = *p
	}
	return b
}

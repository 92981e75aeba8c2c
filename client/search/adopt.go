package search

// Adopt moves every document of o into ix if ix has never held one since
// it was made or cleared, leaving o empty, and reports whether it did.
// Putting documents into an index of their own and adopting it leaves ix
// as putting them into ix in the same order would, without holding ix's
// lock meanwhile: a first pull builds its index while its transaction
// writes. Locks: ix's, then o's (o is the caller's own).
func (ix *Index) Adopt(o *Index) bool {
	if ix == o {
		return false
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(ix.slots) > 0 {
		return false
	}
	ix.slots, ix.byID, ix.dead, ix.terms, ix.post = o.slots, o.byID, o.dead, o.terms, o.post
	ix.ids, ix.stamp, ix.fields, ix.touched = o.ids, o.stamp, o.fields, o.touched
	o.reset()
	o.ids, o.touched = nil, nil
	return true
}

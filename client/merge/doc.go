// Package merge three-way merges note edits made on two devices.
//
// The merge is deliberately conservative: text is merged by whole lines,
// and any two edits that overlap or touch (git's rule: changes to adjacent
// lines conflict) are reported as a conflict unless both sides made the
// very same change. The caller then keeps both versions as a conflicted
// copy, so a refused merge never loses text. No fuzzy patching is used:
// a merge that succeeds places every hunk exactly where its diff says.
package merge

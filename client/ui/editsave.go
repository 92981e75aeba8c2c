package ui

import (
	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/merge"
	"cipherleaf.dev/shared/note"
	"github.com/sergi/go-diff/diffmatchpatch"
)

// afterSave is the autosaver's report of a save of note id (the edit
// sent), on the UI thread. When the save merged another change into the
// note (another process's or a pull's, core.Saved.Merged), the editor
// shows the merge over whatever was typed since, keeping the cursor on the
// same text; when the edit went to a conflicted copy, followConflict moves
// the editor onto it when the core's event arrives.
func (e *editor) afterSave(id string, sent *note.Note, s core.Saved) {
	if e.id != s.ID || s.Note == nil {
		return
	}
	if !s.Merged {
		e.base = s.Note
		return
	}
	e.saver.Rebase(id, sent, s.Note, func() (*note.Note, bool, bool) {
		typed := e.snapshot()
		shown, ok := merge.Note(sent, typed, s.Note)
		if !ok {
			// What was typed since overlaps the other change: the next
			// save finds it and keeps both.
			return nil, false, false
		}
		e.base = s.Note
		e.setFields(shown)
		if shown.Title == s.Note.Title && shown.Body == s.Note.Body && formatTags(shown.Tags) == formatTags(s.Note.Tags) {
			return nil, false, true
		}
		return e.snapshot(), true, true
	})
}

// showOver shows n, a newer version of the open note, in place: the
// cursor stays on the same text. Nothing may be waiting for a save.
func (e *editor) showOver(n *note.Note) {
	e.base = n
	e.saver.Open(e.id, n)
	e.setFields(n)
}

// setFields puts n's title, tags and body in the entries, not as an edit,
// keeping each entry's cursor on its text.
func (e *editor) setFields(n *note.Note) {
	e.loading = true
	keepCursor(e.title, n.Title)
	if tags := formatTags(n.Tags); tags != formatTags(parseTags(e.tags.Text)) {
		keepCursor(e.tags, tags)
	}
	keepCursor(e.body, n.Body)
	e.loading = false
	if e.previewOn {
		e.renderPreview()
	}
	e.titleChanged(e.title.Text, true)
}

// keepCursor sets w's text to text, leaving the cursor (and its row) on
// the same character of the text it was in, wherever the change moved it.
func keepCursor(w *entry, text string) {
	old := w.Text
	if old == text {
		return
	}
	at := byteOffset(old, w.CursorRow, w.CursorColumn)
	dmp := diffmatchpatch.New()
	at = dmp.DiffXIndex(dmp.DiffMain(old, text, false), at)
	w.SetText(text)
	w.CursorRow, w.CursorColumn = rowCol(text, at)
	w.Refresh()
}

// byteOffset is the byte offset in s of row, column (runes).
func byteOffset(s string, row, col int) int {
	r, c := 0, 0
	for i, ch := range s {
		if r == row && c == col {
			return i
		}
		if ch == '\n' {
			if r == row {
				return i // past the row's end
			}
			r, c = r+1, 0
			continue
		}
		c++
	}
	return len(s)
}

// rowCol is the row and column (runes) of byte offset at in s.
func rowCol(s string, at int) (row, col int) {
	for i, ch := range s {
		if i >= at {
			break
		}
		if ch == '\n' {
			row, col = row+1, 0
			continue
		}
		col++
	}
	return row, col
}

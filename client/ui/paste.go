package ui

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"

	"cipherleaf.dev/client/attach"
	"cipherleaf.dev/shared/protocol"
)

// Pasting an image into a note attaches it. Fyne's clipboard carries text
// only, so the image comes from Options.ImageClipboard (cmd/cipherleaf
// passes internal/imageclip).
//
// A paste with text on the clipboard is the ordinary text paste, at once
// and unchanged: a copy from a spreadsheet or an office document often
// carries a picture of the same cells as well, and the text is what was
// meant. Only when the clipboard has no text (or binary bytes, which some
// programs hand out for text) is the image asked for, off
// the UI thread, since that may wait on another program. The image is then
// attached the way a dropped file is (sealed into the profile, with the
// progress bar and a chip) as pasted-image-YYYY-MM-DD-HHMMSS.png, and its
// reference goes where the cursor is, as pasted text would.

// ImageClipboard reads an image from the system clipboard.
type ImageClipboard interface {
	// Image returns the clipboard's image as PNG data, or nil and no error
	// when it holds none; an image over the attachment size limit is an
	// error wrapping attach.ErrFileTooLarge. It may wait on another
	// program: the UI calls it off the UI thread.
	Image() ([]byte, error)
}

// hookPaste makes the body's paste (Ctrl+V, Cmd+V, Shift+Insert and the
// context menu's Paste all arrive as fyne.ShortcutPaste) try for an image.
func (b *attachBar) hookPaste() {
	b.pasteLimit = protocol.MaxAttachmentSize
	body := b.m.editor.body
	prev := body.onShortcut
	body.onShortcut = func(s fyne.Shortcut) bool {
		return (prev != nil && prev(s)) || b.paste(s)
	}
}

// paste takes a paste into the body when the clipboard holds no text and
// an image can be attached to the open note; it reports whether it did.
func (b *attachBar) paste(s fyne.Shortcut) bool {
	sp, ok := s.(*fyne.ShortcutPaste)
	clip := b.u.opts.ImageClipboard
	if !ok || clip == nil || sp.Clipboard == nil || b.api == nil || b.noteID == "" || b.m.editor.id != b.noteID {
		return false
	}
	if _, edit := sp.Clipboard.(*textClipboard); edit {
		return false // the editor's own edits (replaceSelection)
	}
	// Text is the ordinary paste. Binary bytes are not: an owner such as
	// xclip hands its image/png to a request for text too (a PNG starts
	// with control characters); they are pasted as before only when there
	// is no image.
	text := sp.Clipboard.Content()
	if text != "" && isText(text) {
		return false
	}
	noteID := b.noteID
	b.u.background(func() func() {
		img, err := clip.Image()
		return func() { b.pasted(noteID, img, err, text) }
	})
	return true
}

// isText says whether s reads as text: UTF-8 without control characters
// other than tab and line breaks.
func isText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || (r >= 0x7f && r < 0xa0) {
			return false
		}
	}
	return true
}

// pasted attaches the clipboard's image to note noteID (on the UI thread),
// if that note is still open and the app unlocked; otherwise nothing
// happens, and the image is still on the clipboard. Without an image, the
// clipboard's binary text is pasted as Fyne would have.
func (b *attachBar) pasted(noteID string, img []byte, err error, text string) {
	if b.u.main != b.m || b.u.api.Locked() || b.noteID != noteID || b.m.editor.id != noteID {
		return
	}
	switch {
	case errors.Is(err, attach.ErrFileTooLarge):
		b.u.showError("Not attached", err) // the Attach button's words
		return
	case err != nil:
		b.u.showError("Nothing was pasted: the clipboard could not be read", err)
		return
	case len(img) == 0:
		if text != "" {
			b.m.editor.replaceSelection(text)
		}
		return
	case int64(len(img)) > b.pasteLimit:
		b.u.showError("Not attached", fmt.Errorf("paste image: %w", attach.ErrFileTooLarge))
		return
	}
	name := "pasted-image-" + b.u.now().Format("2006-01-02-150405") + ".png"
	b.attachAll([]attachSource{{name: name, attach: func(noteID string) (string, error) {
		return b.api.AttachData(noteID, name, img) // sealed from memory, never on disk in the clear
	}}}, b.insertAtCursor)
}

// insertAtCursor puts image references where the body's cursor is (in
// place of a selection), as one undoable edit, the way a paste does.
func (b *attachBar) insertAtCursor(refs []string) {
	b.m.editor.replaceSelection(strings.Join(refs, "\n"))
}

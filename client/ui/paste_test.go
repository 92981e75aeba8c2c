package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"fyne.io/fyne/v2"

	"cipherleaf.dev/client/attach"
	"cipherleaf.dev/shared/note"
)

// fakeAttachments is the fake core with attachments: Attach keeps the
// file's name and content as it was at that moment.
type fakeAttachments struct {
	*fakeAPI
	amu      sync.Mutex
	attached []fakeAttached
}

type fakeAttached struct {
	noteID, id, name string
	path             string // "": from memory (AttachData)
	data             []byte
}

func (f *fakeAttachments) Attach(noteID, path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return f.add(noteID, filepath.Base(path), path, data)
}

func (f *fakeAttachments) AttachData(noteID, name string, data []byte) (string, error) {
	return f.add(noteID, name, "", bytes.Clone(data))
}

func (f *fakeAttachments) add(noteID, name, path string, data []byte) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("Attach"); err != nil {
		return "", err
	}
	n, ok := f.notes[noteID]
	if !ok {
		return "", errors.New("note not found")
	}
	f.amu.Lock()
	defer f.amu.Unlock()
	id := fmt.Sprintf("att%d", len(f.attached)+1)
	f.attached = append(f.attached, fakeAttached{noteID: noteID, id: id, name: name, path: path, data: data})
	n.Attachments = append(slices.Clone(n.Attachments), note.Attachment{ID: id, Name: name, Type: "image/png", Size: int64(len(data))})
	return id, nil
}

func (f *fakeAttachments) files() []fakeAttached {
	f.amu.Lock()
	defer f.amu.Unlock()
	return slices.Clone(f.attached)
}

func (f *fakeAttachments) Attachments(noteID string) ([]note.Attachment, error) {
	n, err := f.Get(noteID)
	if err != nil {
		return nil, err
	}
	return n.Attachments, nil
}

func (f *fakeAttachments) CachedAttachment(_, attID string, w io.Writer) error {
	for _, a := range f.files() {
		if a.id == attID {
			_, err := w.Write(a.data)
			return err
		}
	}
	return attach.ErrNotCached
}

func (f *fakeAttachments) FetchAttachment(context.Context, string, string, attach.Progress) error {
	return nil
}

func (f *fakeAttachments) SaveAttachment(context.Context, string, string, string, attach.Progress) error {
	return nil
}

func (f *fakeAttachments) Detach(string, string) error { return nil }

// fakeImageClip is a system clipboard's image side; gate, when set, holds
// Image until it is closed.
type fakeImageClip struct {
	mu    sync.Mutex
	img   []byte
	err   error
	gate  chan struct{}
	calls int
}

func (c *fakeImageClip) Image() ([]byte, error) {
	c.mu.Lock()
	c.calls++
	gate, img, err := c.gate, c.img, c.err
	c.mu.Unlock()
	if gate != nil {
		<-gate
	}
	return img, err
}

func (c *fakeImageClip) called() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls
}

// pngBytes is a small real PNG.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pasteHarness opens the sample notes (the newest, Groceries, in the
// editor) on a core with attachments; the system clipboard holds text
// (the test app's clipboard) and clip's image.
func pasteHarness(t *testing.T, text string, clip *fakeImageClip) (*harness, *fakeAttachments) {
	t.Helper()
	fake := newFakeAPI().withAccount("pw")
	fake.locked = false
	sampleNotes(fake)
	api := &fakeAttachments{fakeAPI: fake}
	opts := Options{}
	if clip != nil {
		opts.ImageClipboard = clip
	}
	h := newHarness(t, api, opts)
	h.fake = fake
	h.app.Clipboard().SetContent(text)
	return h, api
}

// pasteAt puts the body's cursor after the first col runes and pastes
// from the system clipboard, the way Ctrl+V does.
func pasteAt(h *harness, col int) {
	body := h.u.main.editor.body
	h.canvas().Focus(body)
	body.CursorRow, body.CursorColumn = 0, col
	h.shortcut(&fyne.ShortcutPaste{Clipboard: h.app.Clipboard()})
}

const groceriesBody = "Oat milk, lemons\nand bread"

func TestPasteImageAttachesIt(t *testing.T) {
	// No text, a PNG's bytes as they are, and as GLFW turns Latin-1 into
	// UTF-8 (xclip gives its image to a request for text).
	for _, text := range []string{"", "\x89PNG\r\n\x1a\n\x00\x00", "\u0089PNG\r\n\u001a\n\u0000"} {
		t.Run(fmt.Sprintf("text %q", text), func(t *testing.T) { testPasteImage(t, text) })
	}
}

// testPasteImage pastes an image with text (no text, or bytes that are
// not UTF-8, as xclip gives the image to a request for text) on the
// clipboard.
func testPasteImage(t *testing.T, text string) {
	pic := pngBytes(t)
	clip := &fakeImageClip{img: pic}
	h, api := pasteHarness(t, text, clip)
	id := h.u.main.editor.id
	pasteAt(h, len("Oat milk"))

	files := api.files()
	if len(files) != 1 {
		t.Fatalf("Attach called for %d files, want 1", len(files))
	}
	f := files[0]
	const name = "pasted-image-2025-03-14-103000.png" // testNow
	if f.noteID != id || f.name != name || !bytes.Equal(f.data, pic) {
		t.Errorf("attached %q (%d bytes) to %q, want %q (the clipboard's %d bytes) to %q", f.name, len(f.data), f.noteID, name, len(pic), id)
	}
	if f.path != "" {
		t.Errorf("the pasted image was attached from the file %s, want from memory (never on disk in the clear)", f.path)
	}
	want := "Oat milk![](attachment:" + f.id + "), lemons\nand bread"
	if got := h.u.main.editor.body.Text; got != want {
		t.Errorf("body = %q, want the reference at the cursor: %q", got, want)
	}
	h.mustShow(name) // the chip
	h.advance(defaultAutosaveDelay)
	n, err := api.Get(id)
	if err != nil || n.Body != want || len(n.Attachments) != 1 {
		t.Errorf("saved note: %v, body %q, %d attachments; want the body with the reference and 1 attachment", err, n.Body, len(n.Attachments))
	}
}

func TestPasteTextIsUnchanged(t *testing.T) {
	tests := []struct {
		name string
		clip *fakeImageClip // nil: no image clipboard at all
	}{
		{"text and an image on the clipboard", &fakeImageClip{}},
		{"no image clipboard", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.clip != nil {
				tt.clip.img = pngBytes(t)
			}
			h, api := pasteHarness(t, "fresh ", tt.clip)
			pasteAt(h, 0)
			if got, want := h.u.main.editor.body.Text, "fresh "+groceriesBody; got != want {
				t.Errorf("body = %q, want the text pasted at the cursor: %q", got, want)
			}
			if tt.clip != nil && tt.clip.called() != 0 {
				t.Errorf("the image clipboard was read %d times for a text paste, want 0", tt.clip.called())
			}
			if n := len(api.files()); n != 0 {
				t.Errorf("%d files attached, want none", n)
			}
		})
	}
}

// TestPasteIntoANewNote: a note made with Ctrl+N gets the image, not the
// note open before it.
func TestPasteIntoANewNote(t *testing.T) {
	clip := &fakeImageClip{img: pngBytes(t)}
	h, api := pasteHarness(t, "", clip)
	before := h.u.main.editor.id
	h.u.main.newNote()
	h.wait()
	id := h.u.main.editor.id
	if id == before || id == "" {
		t.Fatalf("no new note open: %q", id)
	}
	pasteAt(h, 0)
	files := api.files()
	if len(files) != 1 || files[0].noteID != id {
		t.Fatalf("attached %+v, want one file to the new note %q", files, id)
	}
	if want := "![](attachment:" + files[0].id + ")"; h.u.main.editor.body.Text != want {
		t.Errorf("body = %q, want %q", h.u.main.editor.body.Text, want)
	}
}

// TestPasteBinaryTextWithoutImage: binary bytes offered as text, and no
// image: they are pasted as Fyne always did.
func TestPasteBinaryTextWithoutImage(t *testing.T) {
	clip := &fakeImageClip{}
	h, api := pasteHarness(t, "a\x1b[1mb", clip)
	pasteAt(h, 0)
	if got, want := h.u.main.editor.body.Text, "a\x1b[1mb"+groceriesBody; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
	if clip.called() != 1 || len(api.files()) != 0 {
		t.Errorf("clipboard read %d times, %d files attached; want 1 read, nothing attached", clip.called(), len(api.files()))
	}
}

func TestPasteRefused(t *testing.T) {
	tests := []struct {
		name  string
		clip  *fakeImageClip
		limit int64  // pasteLimit when not 0
		shows string // "" no dialog
	}{
		{"clipboard error", &fakeImageClip{err: errors.New("read clipboard image: the clipboard did not answer")}, 0, "Nothing was pasted"},
		{"image over the limit", &fakeImageClip{img: make([]byte, 11)}, 10, "larger than the 1 GiB attachment limit"},
		{"image over the limit, as the clipboard says", &fakeImageClip{err: fmt.Errorf("read clipboard image: %w", attach.ErrFileTooLarge)}, 0, "larger than the 1 GiB attachment limit"},
		{"neither text nor an image", &fakeImageClip{}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, api := pasteHarness(t, "", tt.clip)
			if tt.limit != 0 {
				h.u.main.attach.pasteLimit = tt.limit
			}
			pasteAt(h, 3)
			if tt.shows != "" {
				h.mustShow(tt.shows)
			} else if d := h.canvas().Overlays().Top(); d != nil {
				t.Errorf("a dialog opened: %q", h.texts())
			}
			if got := h.u.main.editor.body.Text; got != groceriesBody {
				t.Errorf("body = %q, want it unchanged", got)
			}
			if n := len(api.files()); n != 0 || tt.clip.called() != 1 {
				t.Errorf("%d files attached after %d clipboard reads, want none after 1", n, tt.clip.called())
			}
		})
	}
}

func TestPasteWithoutAnOpenNote(t *testing.T) {
	t.Run("no note open", func(t *testing.T) {
		clip := &fakeImageClip{img: pngBytes(t)}
		fake := newFakeAPI().withAccount("pw")
		fake.locked = false
		api := &fakeAttachments{fakeAPI: fake}
		h := newHarness(t, api, Options{ImageClipboard: clip})
		h.fake = fake
		h.app.Clipboard().SetContent("")
		if h.u.main.editor.id != "" {
			t.Fatalf("a note is open: %q", h.u.main.editor.id)
		}
		h.u.main.editor.body.TypedShortcut(&fyne.ShortcutPaste{Clipboard: h.app.Clipboard()})
		h.wait()
		if clip.called() != 0 || len(api.files()) != 0 {
			t.Errorf("clipboard read %d times, %d files attached; want nothing", clip.called(), len(api.files()))
		}
	})
	t.Run("locked while the clipboard is read", func(t *testing.T) {
		clip := &fakeImageClip{img: pngBytes(t), gate: make(chan struct{})}
		h, api := pasteHarness(t, "", clip)
		body := h.u.main.editor.body
		body.TypedShortcut(&fyne.ShortcutPaste{Clipboard: h.app.Clipboard()})
		h.fake.Lock() // auto-lock, say, while the read waits
		h.drain()
		h.mustShow("Unlock")
		close(clip.gate)
		h.wait()
		if clip.called() != 1 || len(api.files()) != 0 {
			t.Errorf("clipboard read %d times, %d files attached; want 1 read and nothing attached", clip.called(), len(api.files()))
		}
		if d := h.canvas().Overlays().Top(); d != nil {
			t.Errorf("a dialog opened: %q", h.texts())
		}
		if body.Text != groceriesBody {
			t.Errorf("body = %q, want it unchanged", body.Text)
		}
	})
}

package ui

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/shared/note"
)

func TestPreviewTaskBoxEditsAndSaves(t *testing.T) {
	h, api, _ := unlocked(t, Options{})
	id := api.add(note.Note{Title: "Todo", Body: "- [ ] milk\n- [ ] eggs", Modified: testNow})
	h.u.main.list.reload()
	h.u.main.open(id)
	h.shortcut(scPreview)
	var boxes []*widget.Check
	h.visit(func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok {
			boxes = append(boxes, c)
		}
	})
	if len(boxes) != 2 {
		t.Fatalf("preview shows %d task boxes, want 2", len(boxes))
	}
	test.Tap(boxes[1])
	h.wait()
	h.advance(defaultAutosaveDelay)
	n, _ := api.Get(id)
	if n.Body != "- [ ] milk\n- [x] eggs" {
		t.Errorf("saved body %q after ticking eggs", n.Body)
	}
	if !h.u.main.editor.previewOn {
		t.Error("ticking a box left the preview")
	}
}

func TestPreviewNoteLinkOpensTheNote(t *testing.T) {
	h, api, ids := unlocked(t, Options{})
	id := api.add(note.Note{Title: "Index", Body: "See [[trip to lisbon]] and [[Nowhere]].", Modified: testNow})
	m := h.u.main
	m.list.reload()
	m.open(id)
	h.shortcut(scPreview)
	var links []*widget.HyperlinkSegment
	h.visit(func(o fyne.CanvasObject) {
		if rt, ok := o.(*widget.RichText); ok {
			for _, s := range rt.Segments {
				if l, ok := s.(*widget.HyperlinkSegment); ok {
					links = append(links, l)
				}
			}
		}
	})
	if len(links) != 2 {
		t.Fatalf("%d links in the preview, want 2", len(links))
	}
	links[1].OnTapped()
	h.wait()
	h.mustShow("No note is called “Nowhere”.")
	h.key(fyne.KeyEscape)
	links[0].OnTapped()
	h.wait()
	if m.editor.id != ids[2] {
		t.Errorf("[[trip to lisbon]] opened %q, want the trip note", m.editor.id)
	}
}

func TestPreviewLinkSaysWhenItCannotOpen(t *testing.T) {
	h, api, _ := unlocked(t, Options{})
	id := api.add(note.Note{Title: "Refs", Body: "[docs](https://docs.test/a)", Modified: testNow})
	m := h.u.main
	m.list.reload()
	m.open(id)
	h.shortcut(scPreview)
	var link *widget.HyperlinkSegment
	h.visit(func(o fyne.CanvasObject) {
		if rt, ok := o.(*widget.RichText); ok {
			for _, s := range rt.Segments {
				if l, ok := s.(*widget.HyperlinkSegment); ok {
					link = l
				}
			}
		}
	})
	if link == nil {
		t.Fatal("no link in the preview")
	}
	// The test app's OpenURL fails like a system without a handler.
	m.editor.handlers.OpenURL = func(*url.URL) error { return errNoOpener }
	m.editor.renderPreview()
	h.visit(func(o fyne.CanvasObject) {
		if rt, ok := o.(*widget.RichText); ok {
			for _, s := range rt.Segments {
				if l, ok := s.(*widget.HyperlinkSegment); ok {
					link = l
				}
			}
		}
	})
	link.OnTapped()
	h.wait()
	if !h.shows("No application could open this link") || !strings.Contains(strings.Join(h.texts(), " "), "https://docs.test/a") {
		t.Errorf("no notice about the unopened link; screen %q", h.texts())
	}
}

func TestMonospaceEditorSetting(t *testing.T) {
	h, _, _ := unlocked(t, Options{})
	m := h.u.main
	m.showSettings()
	test.Tap(h.check("Monospace font in the editor"))
	h.tap("Back to notes")
	if !m.editor.body.TextStyle.Monospace || !h.app.Preferences().Bool(prefMonospace) {
		t.Error("monospace setting not applied or not stored")
	}
}

var errNoOpener = errors.New("no opener")

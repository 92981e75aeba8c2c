package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/attach"
	"cipherleaf.dev/shared/note"
)

// Attachments is what the attachment bar calls on the engine (SPEC §11);
// *core.Core implements it. CachedAttachment never reaches the network.
type Attachments interface {
	Attach(noteID, path string) (string, error)
	AttachData(noteID, name string, data []byte) (string, error)
	Attachments(noteID string) ([]note.Attachment, error)
	CachedAttachment(noteID, attID string, w io.Writer) error
	FetchAttachment(ctx context.Context, noteID, attID string, progress attach.Progress) error
	SaveAttachment(ctx context.Context, noteID, attID, dest string, progress attach.Progress) error
	Detach(noteID, attID string) error
}

// attachBar shows the open note's attachments as chips (name, size, Open,
// Save as…, Remove), an Attach button, and a progress bar with Cancel for
// transfers. It also resolves inline images for the preview, from the
// profile only.
type attachBar struct {
	u       *UI
	m       *mainView
	api     Attachments // nil: the engine has no attachments
	noteID  string
	chips   *fyne.Container
	busy    *fyne.Container
	bar     *widget.ProgressBar
	label   *widget.Label
	cancel  context.CancelFunc
	content *fyne.Container
	// pasteLimit is the largest image a paste attaches (paste.go).
	pasteLimit int64
}

func newAttachBar(u *UI, m *mainView) *attachBar {
	b := &attachBar{u: u, m: m}
	b.api, _ = u.api.(Attachments)
	b.chips = container.NewHBox()
	b.bar = widget.NewProgressBar()
	b.label = widget.NewLabel("")
	stop := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() {
		if b.cancel != nil {
			b.cancel()
		}
	})
	b.busy = container.NewBorder(nil, nil, b.label, stop, b.bar)
	b.busy.Hide()
	add := widget.NewButtonWithIcon("Attach…", theme.ContentAddIcon(), b.pick)
	add.Importance = widget.LowImportance
	b.content = container.NewVBox(b.busy, container.NewBorder(nil, nil, add, nil, container.NewHScroll(b.chips)))
	b.content.Hide()
	b.hookPaste()
	return b
}

// show lists note id's attachments (on the UI thread).
func (b *attachBar) show(id string) {
	b.noteID = id
	b.refresh()
}

func (b *attachBar) refresh() {
	b.chips.RemoveAll()
	if b.api == nil || b.noteID == "" || b.m.editor.id != b.noteID {
		b.content.Hide()
		return
	}
	b.content.Show()
	list, err := b.api.Attachments(b.noteID)
	if err != nil {
		return
	}
	for _, a := range list {
		b.chips.Add(b.chip(a))
	}
	b.chips.Refresh()
}

// chip is one attachment: icon, name, size and its actions.
func (b *attachBar) chip(a note.Attachment) fyne.CanvasObject {
	icon := theme.FileIcon()
	if strings.HasPrefix(a.Type, "image/") {
		icon = theme.FileImageIcon()
	}
	id := a.ID
	open := widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() { b.open(a) })
	save := widget.NewButtonWithIcon("", theme.DocumentSaveIcon(), func() { b.saveAs(a) })
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		b.u.confirm("Remove attachment", "Remove “"+a.Name+"” from this note?", "Remove", true, func() {
			if err := b.api.Detach(b.noteID, id); err != nil {
				b.u.showError("The attachment was not removed", err)
			}
			b.afterNoteWrite()
		})
	})
	for _, bt := range []*widget.Button{open, save, remove} {
		bt.Importance = widget.LowImportance
	}
	label := widget.NewLabel(a.Name + " · " + humanSize(a.Size))
	card := container.NewHBox(widget.NewIcon(icon), label, open, save, remove)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = 8
	return container.NewStack(bg, container.NewPadded(card))
}

func isImageName(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".svg":
		return true
	}
	return false
}

func humanSize(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
}

// pick asks for files to attach.
func (b *attachBar) pick() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		b.attach([]string{r.URI().Path()})
	}, b.u.win)
	b.u.fileDialog(d)
}

// dropped attaches files dropped on the window to the open note.
func (b *attachBar) dropped(_ fyne.Position, uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	if len(paths) > 0 {
		b.attach(paths)
	}
}

// attach seals files into the profile in the background; images get an
// inline reference appended to the body.
func (b *attachBar) attach(paths []string) {
	sources := make([]attachSource, len(paths))
	for i, p := range paths {
		sources[i] = attachSource{name: filepath.Base(p), attach: func(noteID string) (string, error) { return b.api.Attach(noteID, p) }}
	}
	b.attachAll(sources, b.appendInline)
}

// attachSource is one attachment to make: a file, or content in memory.
type attachSource struct {
	name   string
	attach func(noteID string) (string, error)
}

// attachAll seals sources into the profile in the background, with insert
// placing the images' Markdown references.
func (b *attachBar) attachAll(sources []attachSource, insert func(refs []string)) {
	if b.api == nil || b.noteID == "" {
		return
	}
	noteID := b.noteID
	b.m.editor.flush()
	var inline []string // Markdown for the images attached
	b.start("Encrypting…", func(ctx context.Context, progress attach.Progress) error {
		for i, src := range sources {
			if err := ctx.Err(); err != nil {
				return err
			}
			id, err := src.attach(noteID)
			if err != nil {
				return fmt.Errorf("attach %s: %w", src.name, err)
			}
			if isImageName(src.name) {
				inline = append(inline, "![]("+"attachment:"+id+")")
			}
			progress(int64(i+1), int64(len(sources)))
		}
		return nil
	}, "Not attached", func() {
		if b.noteID != noteID {
			return
		}
		b.afterNoteWrite()
		if len(inline) > 0 && b.m.editor.id == noteID {
			insert(inline)
		}
	})
}

// appendInline puts image references at the end of the body.
func (b *attachBar) appendInline(refs []string) {
	body := b.m.editor.body.Text
	if body != "" && !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	b.m.editor.body.SetText(body + strings.Join(refs, "\n") + "\n")
}

// afterNoteWrite reloads the editor's copy of the note (its attachments
// list changed) and the chips.
func (b *attachBar) afterNoteWrite() {
	if n, err := b.u.api.Get(b.noteID); err == nil && b.m.editor.base != nil && b.m.editor.id == b.noteID {
		b.m.editor.base.Attachments = n.Attachments
	}
	b.refresh()
	if b.m.editor.previewOn {
		b.m.editor.renderPreview()
	}
}

// start runs work in the background with the progress bar and Cancel.
func (b *attachBar) start(what string, work func(ctx context.Context, progress attach.Progress) error, failure string, then func()) {
	if b.cancel != nil {
		return // one transfer at a time
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	b.label.SetText(what)
	b.bar.SetValue(0)
	b.busy.Show()
	progress := func(done, total int64) {
		if total > 0 {
			v := float64(done) / float64(total)
			fyne.Do(func() { b.bar.SetValue(v) })
		}
	}
	b.u.background(func() func() {
		err := work(ctx, progress)
		return func() {
			cancel()
			b.cancel = nil
			b.busy.Hide()
			if err != nil && ctx.Err() == nil {
				b.u.showError(failure, err)
			}
			if then != nil {
				then()
			}
		}
	})
}

// saveAs writes an attachment where the user chooses.
func (b *attachBar) saveAs(a note.Attachment) {
	noteID := b.noteID
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		dest := w.URI().Path()
		w.Close()
		b.start("Downloading…", func(ctx context.Context, progress attach.Progress) error {
			return b.api.SaveAttachment(ctx, noteID, a.ID, dest, progress)
		}, "The attachment was not saved", nil)
	}, b.u.win)
	d.SetFileName(attach.SafeName(a.Name))
	b.u.fileDialog(d)
}

// open saves an attachment into a private temporary folder and hands it to
// the system's viewer.
func (b *attachBar) open(a note.Attachment) {
	noteID := b.noteID
	dir, err := os.MkdirTemp("", "cipherleaf-open-")
	if err != nil {
		b.u.showError("The attachment was not opened", err)
		return
	}
	dest := filepath.Join(dir, attach.SafeName(a.Name))
	b.start("Downloading…", func(ctx context.Context, progress attach.Progress) error {
		return b.api.SaveAttachment(ctx, noteID, a.ID, dest, progress)
	}, "The attachment was not opened", func() {
		if _, err := os.Stat(dest); err == nil {
			_ = b.u.app.OpenURL(&url.URL{Scheme: "file", Path: dest})
		}
	})
}

// image resolves an image in the preview: "attachment:ID" or the name of
// one of the note's attachments, from the profile only. An image not yet
// downloaded is fetched from our server in the background and the preview
// redrawn; nothing is ever fetched from a URL in the note.
func (b *attachBar) image(dest string) fyne.Resource {
	if b.api == nil || b.noteID == "" {
		return nil
	}
	list, err := b.api.Attachments(b.noteID)
	if err != nil {
		return nil
	}
	want := strings.TrimPrefix(dest, "attachment:")
	for _, a := range list {
		if (a.ID != want && a.Name != dest) || !strings.HasPrefix(a.Type, "image/") {
			continue
		}
		var buf bytes.Buffer
		if err := b.api.CachedAttachment(b.noteID, a.ID, &buf); err == nil {
			return fyne.NewStaticResource(attach.SafeName(a.Name), buf.Bytes())
		}
		noteID, id := b.noteID, a.ID
		b.u.background(func() func() {
			err := b.api.FetchAttachment(context.Background(), noteID, id, nil)
			return func() {
				if err == nil && b.noteID == noteID && b.m.editor.previewOn {
					b.m.editor.renderPreview()
				}
			}
		})
		return nil
	}
	return nil
}

package mdview

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// Handlers connect a rendered note to the app. Every field may be nil.
type Handlers struct {
	// OpenURL opens a tapped web or mail link with the system's handler
	// (fyne.App.OpenURL); its error is reported through Notice.
	OpenURL func(*url.URL) error
	// OpenNote opens the note a [[Note title]] link names.
	OpenNote func(title string)
	// SetSource receives the whole new source after a task box was ticked.
	SetSource func(src string)
	// Image resolves an image destination to local data. It must never
	// reach the network; a nil result shows the image as a link.
	Image func(dest string) fyne.Resource
	// Notice tells the user something in a sentence (a link that could not
	// be opened).
	Notice func(msg string)
}

// ErrNoHandler may be wrapped by OpenURL's error when the system has no
// application for the link.
var ErrNoHandler = errors.New("no application for this link")

// openable are the link schemes handed to the system; others (file:,
// javascript:, custom schemes) are refused with a notice.
var openable = map[string]bool{"http": true, "https": true, "mailto": true}

// Render builds the widgets for src.
func Render(src string, h Handlers) fyne.CanvasObject {
	r := &renderer{src: []byte(src), h: h}
	return r.blocks(Parse(r.src), 0)
}

type renderer struct {
	src []byte
	h   Handlers
}

// vbox stacks blocks with the theme's padding between them.
func vbox(objs ...fyne.CanvasObject) *fyne.Container {
	return container.NewVBox(objs...)
}

// blocks renders the block children of n.
func (r *renderer) blocks(n ast.Node, depth int) *fyne.Container {
	box := vbox()
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if o := r.block(c, depth); o != nil {
			box.Add(o)
		}
	}
	return box
}

func (r *renderer) block(n ast.Node, depth int) fyne.CanvasObject {
	switch n := n.(type) {
	case *ast.Heading:
		st := widget.RichTextStyleStrong
		switch n.Level {
		case 1:
			st = widget.RichTextStyleHeading
		case 2:
			st = widget.RichTextStyleSubHeading
		}
		st.Inline = true
		return r.richText(n, st)
	case *ast.Paragraph, *ast.TextBlock:
		return r.paragraph(n)
	case *ast.List:
		return r.list(n, depth)
	case *ast.Blockquote:
		bar := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
		bar.SetMinSize(fyne.NewSize(4, 0))
		return container.NewBorder(nil, nil, bar, nil, container.NewPadded(r.blocks(n, depth)))
	case *ast.FencedCodeBlock:
		return codeBlock(r.lines(n), string(n.Language(r.src)))
	case *ast.CodeBlock:
		return codeBlock(r.lines(n), "")
	case *ast.HTMLBlock:
		return codeBlock(r.lines(n), "html")
	case *ast.ThematicBreak:
		return widget.NewSeparator()
	case *east.Table:
		return r.table(n)
	}
	if n.Type() == ast.TypeBlock && n.HasChildren() {
		return r.blocks(n, depth)
	}
	return nil
}

// lines is the raw text of a code-like block.
func (r *renderer) lines(n ast.Node) string {
	var b strings.Builder
	l := n.Lines()
	for i := 0; i < l.Len(); i++ {
		seg := l.At(i)
		b.Write(seg.Value(r.src))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// paragraph renders inline content, followed by any local images it holds.
func (r *renderer) paragraph(n ast.Node) fyne.CanvasObject {
	rt := r.richText(n, widget.RichTextStyleInline)
	var imgs []fyne.CanvasObject
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := c.(*ast.Image); ok && entering && r.h.Image != nil {
			if res := r.h.Image(string(img.Destination)); res != nil {
				ci := canvas.NewImageFromResource(res)
				ci.FillMode = canvas.ImageFillContain
				ci.SetMinSize(fyne.NewSize(240, 160))
				imgs = append(imgs, ci)
			}
		}
		return ast.WalkContinue, nil
	})
	if len(imgs) == 0 {
		return rt
	}
	return vbox(append([]fyne.CanvasObject{rt}, imgs...)...)
}

// richText renders n's inline children in style st.
func (r *renderer) richText(n ast.Node, st widget.RichTextStyle) *widget.RichText {
	var segs []widget.RichTextSegment
	r.inlines(n, st, &segs)
	if len(segs) == 0 {
		segs = append(segs, &widget.TextSegment{Style: st})
	}
	rt := widget.NewRichText(segs...)
	rt.Wrapping = fyne.TextWrapWord
	return rt
}

func (r *renderer) text(s string, st widget.RichTextStyle, segs *[]widget.RichTextSegment) {
	if s == "" {
		return
	}
	st.Inline = true
	*segs = append(*segs, &widget.TextSegment{Text: s, Style: st})
}

// inlines appends the segments of n's inline children.
func (r *renderer) inlines(n ast.Node, st widget.RichTextStyle, segs *[]widget.RichTextSegment) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			r.text(string(c.Value(r.src)), st, segs)
			switch {
			case c.HardLineBreak():
				// A block segment ends the line.
				*segs = append(*segs, &widget.TextSegment{Style: widget.RichTextStyleParagraph})
			case c.SoftLineBreak():
				r.text(" ", st, segs)
			}
		case *ast.String:
			r.text(string(c.Value), st, segs)
		case *ast.Emphasis:
			s := st
			if c.Level >= 2 {
				s.TextStyle.Bold = true
			} else {
				s.TextStyle.Italic = true
			}
			r.inlines(c, s, segs)
		case *ast.CodeSpan:
			s := st
			s.TextStyle.Monospace = true
			s.ColorName = theme.ColorNamePrimary
			r.text(plain(c, r.src), s, segs)
		case *ast.Link:
			r.link(plain(c, r.src), string(c.Destination), segs)
		case *ast.AutoLink:
			dest := string(c.URL(r.src))
			if c.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(dest), "mailto:") {
				dest = "mailto:" + dest
			}
			r.link(string(c.Label(r.src)), dest, segs)
		case *ast.Image:
			r.image(plain(c, r.src), string(c.Destination), segs)
		case *WikiLink:
			title := c.Title
			*segs = append(*segs, &widget.HyperlinkSegment{Text: title, OnTapped: func() {
				if r.h.OpenNote != nil {
					r.h.OpenNote(title)
				}
			}})
		case *east.TaskCheckBox:
			// Drawn as the list item's check box.
		case *east.Strikethrough:
			s := st
			s.ColorName = theme.ColorNameDisabled
			r.inlines(c, s, segs)
		case *ast.RawHTML:
			var b strings.Builder
			for i := 0; i < c.Segments.Len(); i++ {
				seg := c.Segments.At(i)
				b.Write(seg.Value(r.src))
			}
			s := st
			s.TextStyle.Monospace = true
			r.text(b.String(), s, segs)
		default:
			r.inlines(c, st, segs)
		}
	}
}

// plain is the text of n's inline children without formatting.
func plain(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *WikiLink:
			b.WriteString(c.Title)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// link appends a link that, when tapped, opens dest with the system's
// handler or says why it did not.
func (r *renderer) link(label, dest string, segs *[]widget.RichTextSegment) {
	if label == "" {
		label = dest
	}
	u, err := url.Parse(dest)
	seg := &widget.HyperlinkSegment{Text: label, URL: u}
	seg.OnTapped = func() { r.open(dest, u, err) }
	*segs = append(*segs, seg)
}

func (r *renderer) open(dest string, u *url.URL, err error) {
	switch {
	case err != nil || u == nil || !openable[strings.ToLower(u.Scheme)]:
		r.notice("This link isn't opened by Cipherleaf: " + dest + ". Only web (http, https) and mail links open.")
	case r.h.OpenURL == nil:
		r.notice("No application is set up to open links on this system. The link is: " + dest)
	default:
		if err := r.h.OpenURL(u); err != nil {
			r.notice("No application could open this link: " + dest + ". Copy it into a browser instead.")
		}
	}
}

func (r *renderer) notice(msg string) {
	if r.h.Notice != nil {
		r.h.Notice(msg)
	}
}

// image appends an image as a link: a remote image is never fetched, and a
// local one is drawn after the paragraph.
func (r *renderer) image(alt, dest string, segs *[]widget.RichTextSegment) {
	if alt == "" {
		alt = "image"
	}
	if r.h.Image != nil && r.h.Image(dest) != nil {
		return
	}
	r.link("Image: "+alt+" (not loaded)", dest, segs)
}

// list renders a bullet, ordered or task list; nested lists indent under
// their item's text.
func (r *renderer) list(l *ast.List, depth int) fyne.CanvasObject {
	box := vbox()
	n := l.Start
	if n == 0 {
		n = 1
	}
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		var marker fyne.CanvasObject
		if box := taskBox(item); box != nil {
			marker = r.checkBox(box)
		} else {
			text := bullet(depth)
			if l.IsOrdered() {
				text = strconv.Itoa(n) + "."
				n++
			}
			lb := widget.NewLabel(text)
			lb.Alignment = fyne.TextAlignTrailing
			marker = lb
		}
		content := r.blocks(item, depth+1)
		left := container.NewVBox(marker)
		// Marker first, so that reading and Tab order follow the item.
		box.Add(container.New(layout.NewBorderLayout(nil, nil, left, nil), left, content))
	}
	return box
}

func bullet(depth int) string {
	return [...]string{"•", "◦", "▪"}[depth%3]
}

// taskBox is the check box that starts a list item, if any.
func taskBox(item ast.Node) *east.TaskCheckBox {
	first := item.FirstChild()
	if first == nil {
		return nil
	}
	box, _ := first.FirstChild().(*east.TaskCheckBox)
	return box
}

// checkBox is a task's check box; ticking it rewrites the source.
func (r *renderer) checkBox(box *east.TaskCheckBox) fyne.CanvasObject {
	off := taskOffset(box, r.src)
	c := widget.NewCheck("", nil)
	c.SetChecked(box.IsChecked)
	if off < 0 || r.h.SetSource == nil {
		c.Disable()
		return c
	}
	src := string(r.src)
	c.OnChanged = func(on bool) {
		r.h.SetSource(SetTask(src, off, on))
	}
	return c
}

// table renders a GFM table as a grid, the header row in bold.
func (r *renderer) table(t *east.Table) fyne.CanvasObject {
	cols := len(t.Alignments)
	if cols == 0 {
		return nil
	}
	grid := container.NewGridWithColumns(cols)
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		_, header := row.(*east.TableHeader)
		i := 0
		for cell := row.FirstChild(); cell != nil && i < cols; cell = cell.NextSibling() {
			st := widget.RichTextStyleInline
			if header {
				st.TextStyle.Bold = true
			}
			rt := r.richText(cell, st)
			if c, ok := cell.(*east.TableCell); ok {
				switch c.Alignment {
				case east.AlignRight:
					alignAll(rt, fyne.TextAlignTrailing)
				case east.AlignCenter:
					alignAll(rt, fyne.TextAlignCenter)
				}
			}
			grid.Add(rt)
			i++
		}
		for ; i < cols; i++ {
			grid.Add(layout.NewSpacer())
		}
	}
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	return container.NewStack(bg, container.NewPadded(grid))
}

func alignAll(rt *widget.RichText, a fyne.TextAlign) {
	for _, s := range rt.Segments {
		if t, ok := s.(*widget.TextSegment); ok {
			t.Style.Alignment = a
		}
	}
}

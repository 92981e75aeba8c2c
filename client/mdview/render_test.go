package mdview

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"io"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// outline flattens rendered widgets into short lines, one per thing a
// reader sees: "p:text", "h1:…", "link:label", "check:x", "code:line",
// "rule", "quote", "table:N".
func outline(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.RichText:
			var b strings.Builder
			kind := "p"
			for _, s := range x.Segments {
				switch s := s.(type) {
				case *widget.TextSegment:
					switch {
					case s.Style.SizeName == theme.SizeNameHeadingText:
						kind = "h1"
					case s.Style.SizeName == theme.SizeNameSubHeadingText:
						kind = "h2"
					}
					t := s.Text
					switch {
					case s.Style.TextStyle.Bold && t != "" && kind == "p":
						t = "*" + t + "*"
					case s.Style.TextStyle.Italic && t != "":
						t = "_" + t + "_"
					case s.Style.TextStyle.Monospace && t != "":
						t = "`" + t + "`"
					}
					if !s.Style.Inline && t == "" {
						t = "⏎"
					}
					b.WriteString(t)
				case *widget.HyperlinkSegment:
					b.WriteString("[" + s.Text + "]")
				}
			}
			out = append(out, kind+":"+b.String())
			return
		case *widget.Check:
			mark := " "
			if x.Checked {
				mark = "x"
			}
			out = append(out, "check:"+mark)
			return
		case *widget.Label:
			out = append(out, "marker:"+x.Text)
			return
		case *widget.Separator:
			out = append(out, "rule")
			return
		case *canvas.Text:
			if x.TextStyle.Monospace {
				out = append(out, "code:"+x.Text)
			}
			return
		case *container.Scroll:
			walk(x.Content)
			return
		case *fyne.Container:
			if g, ok := gridColumns(x); ok {
				out = append(out, "table:"+itoa(g))
			}
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

func itoa(n int) string { return string(rune('0' + n)) }

// gridColumns reports a grid container's column count.
func gridColumns(c *fyne.Container) (int, bool) {
	if c.Layout == nil {
		return 0, false
	}
	s := strings.TrimPrefix(strings.TrimPrefix(typeName(c.Layout), "*"), "layout.")
	if s != "gridLayout" {
		return 0, false
	}
	// The grid's MinSize does not expose Cols; count the header cells:
	// the first row's objects up to the first non-bold cell.
	n := 0
	for _, o := range c.Objects {
		rt, ok := o.(*widget.RichText)
		if !ok || len(rt.Segments) == 0 {
			break
		}
		ts, ok := rt.Segments[0].(*widget.TextSegment)
		if !ok || !ts.Style.TextStyle.Bold {
			break
		}
		n++
	}
	return n, true
}

func typeName(v any) string { return strings.TrimPrefix(fmtType(v), "*") }

func TestRender(t *testing.T) {
	test.NewTempApp(t)
	cases := []struct {
		name string
		src  string
		want []string
	}{
		{"headings", "# One\n\n## Two\n\n### Three", []string{"h1:One", "h2:Two", "p:*Three*"}},
		{"emphasis and code", "a **b** _c_ `d`", []string{"p:a *b* _c_ `d`"}},
		{"nested list", "- a\n  - b\n    - c\n- d", []string{
			"marker:•", "p:a", "marker:◦", "p:b", "marker:▪", "p:c", "marker:•", "p:d"}},
		{"ordered", "3. x\n4. y", []string{"marker:3.", "p:x", "marker:4.", "p:y"}},
		{"tasks", "- [ ] buy\n- [x] done", []string{"check: ", "p:buy", "check:x", "p:done"}},
		{"table", "| a | b |\n|---|--:|\n| 1 | 2 |", []string{"table:2", "p:*a*", "p:*b*", "p:1", "p:2"}},
		{"fenced go", "```go\nfunc main() {}\n```", []string{"code:func", "code: ", "code:main", "code:()", "code: ", "code:{}"}},
		{"quote and rule", "> said\n\n---\n\nafter", []string{"p:said", "rule", "p:after"}},
		{"links", "see [site](https://example.org) and <https://a.test> and [[Other note]]",
			[]string{"p:see [site] and [https://a.test] and [Other note]"}},
		{"remote image is a link", "![cat](https://example.org/cat.png)", []string{"p:[Image: cat (not loaded)]"}},
		{"hard break", "one  \ntwo", []string{"p:one⏎two"}},
		{"wiki link unclosed is text", "[[nope", []string{"p:[[nope"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := outline(Render(c.src, Handlers{}))
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("Render(%q) =\n%s\nwant\n%s", c.src, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// find returns the first object in o's tree for which match is true.
func find(o fyne.CanvasObject, match func(fyne.CanvasObject) bool) fyne.CanvasObject {
	if match(o) {
		return o
	}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			if f := find(c, match); f != nil {
				return f
			}
		}
	case *container.Scroll:
		return find(x.Content, match)
	}
	return nil
}

func links(o fyne.CanvasObject) []*widget.HyperlinkSegment {
	var out []*widget.HyperlinkSegment
	find(o, func(o fyne.CanvasObject) bool {
		if rt, ok := o.(*widget.RichText); ok {
			for _, s := range rt.Segments {
				if l, ok := s.(*widget.HyperlinkSegment); ok {
					out = append(out, l)
				}
			}
		}
		return false
	})
	return out
}

func TestTaskBoxRewritesSource(t *testing.T) {
	test.NewTempApp(t)
	src := "Plan\n\n- [ ] one\n  - [x] nested\n- [ ] three\n\n```\n- [ ] not a task\n```\n"
	if got := TaskOffsets(src); len(got) != 3 {
		t.Fatalf("TaskOffsets = %v, want 3 tasks", got)
	}
	var got string
	view := Render(src, Handlers{SetSource: func(s string) { got = s }})
	var boxes []*widget.Check
	find(view, func(o fyne.CanvasObject) bool {
		if c, ok := o.(*widget.Check); ok {
			boxes = append(boxes, c)
		}
		return false
	})
	if len(boxes) != 3 {
		t.Fatalf("rendered %d check boxes, want 3", len(boxes))
	}
	test.Tap(boxes[2])
	if want := strings.Replace(src, "- [ ] three", "- [x] three", 1); got != want {
		t.Errorf("ticking the third box gave\n%q\nwant\n%q", got, want)
	}
	test.Tap(boxes[1])
	if want := strings.Replace(src, "[x] nested", "[ ] nested", 1); got != want {
		t.Errorf("clearing the nested box gave\n%q\nwant\n%q", got, want)
	}
}

func TestLinks(t *testing.T) {
	test.NewTempApp(t)
	var opened []string
	var notes []string
	var notices []string
	h := Handlers{
		OpenURL: func(u *url.URL) error {
			if u.Host == "fails.test" {
				return ErrNoHandler
			}
			opened = append(opened, u.String())
			return nil
		},
		OpenNote: func(title string) { notes = append(notes, title) },
		Notice:   func(m string) { notices = append(notices, m) },
	}
	view := Render("[a](https://ok.test/x) [b](https://fails.test) [c](file:///etc/passwd) [[Groceries]] <me@mail.test>", h)
	ls := links(view)
	if len(ls) != 5 {
		t.Fatalf("%d links, want 5", len(ls))
	}
	for _, l := range ls {
		l.OnTapped()
	}
	if strings.Join(opened, " ") != "https://ok.test/x mailto:me@mail.test" {
		t.Errorf("opened %q", opened)
	}
	if strings.Join(notes, " ") != "Groceries" {
		t.Errorf("opened notes %q", notes)
	}
	if len(notices) != 2 || !strings.Contains(notices[0], "https://fails.test") || !strings.Contains(notices[1], "file:///etc/passwd") {
		t.Errorf("notices %q, want one for the failed open and one for the file link", notices)
	}
	// Without any handler a link still says why nothing happened.
	notices = nil
	links(Render("[x](https://a.test)", Handlers{Notice: h.Notice}))[0].OnTapped()
	if len(notices) != 1 || !strings.Contains(notices[0], "No application") {
		t.Errorf("notices without a handler: %q", notices)
	}
}

func TestLocalImageResolver(t *testing.T) {
	test.NewTempApp(t)
	var png bytes.Buffer
	if err := pngEncode(&png); err != nil {
		t.Fatal(err)
	}
	res := fyne.NewStaticResource("a.png", png.Bytes())
	var asked []string
	view := Render("![a](attachment:1) ![b](https://remote.test/b.png)", Handlers{Image: func(dest string) fyne.Resource {
		asked = append(asked, dest)
		if dest == "attachment:1" {
			return res
		}
		return nil
	}})
	img := find(view, func(o fyne.CanvasObject) bool { _, ok := o.(*canvas.Image); return ok })
	if img == nil || img.(*canvas.Image).Resource != res {
		t.Fatal("the locally resolved image is not drawn")
	}
	if got := outline(view); !strings.Contains(strings.Join(got, "\n"), "[Image: b (not loaded)]") {
		t.Errorf("remote image not shown as a link: %q", got)
	}
}

// TestRenderNeverTouchesTheNetwork renders (and draws) a note full of
// remote references pointing at a local listener, which must see no
// connection.
func TestRenderNeverTouchesTheNetwork(t *testing.T) {
	test.NewTempApp(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	base := "http://" + ln.Addr().String()
	src := "# Remote\n\n![img](" + base + "/a.png)\n\n<img src=\"" + base + "/b.png\">\n\n[link](" + base + "/c) " + base + "/d\n\n| ![t](" + base + "/e.png) |\n|---|\n| x |\n"
	w := test.NewWindow(Render(src, Handlers{}))
	w.Resize(fyne.NewSize(600, 400))
	_ = w.Canvas().Capture() // draw everything once
	w.Close()

	accepted := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.Close()
		}
		accepted <- err
	}()
	_ = ln.(*net.TCPListener).SetDeadline(time.Now().Add(300 * time.Millisecond))
	if err := <-accepted; err == nil {
		t.Fatal("rendering a note connected to a URL in it")
	} else if ne := (net.Error)(nil); !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("accept: %v, want a timeout", err)
	}
}

func TestSetTask(t *testing.T) {
	cases := []struct {
		src    string
		offset int
		on     bool
		want   string
	}{
		{"- [ ] a", 2, true, "- [x] a"},
		{"- [x] a", 2, false, "- [ ] a"},
		{"- [X] a", 2, false, "- [ ] a"},
		{"- [ ] a", 0, true, "- [ ] a"},
		{"- [ ] a", 99, true, "- [ ] a"},
		{"- [ ] a", -1, true, "- [ ] a"},
	}
	for _, c := range cases {
		if got := SetTask(c.src, c.offset, c.on); got != c.want {
			t.Errorf("SetTask(%q, %d, %v) = %q, want %q", c.src, c.offset, c.on, got, c.want)
		}
	}
}

func pngEncode(w io.Writer) error { return png.Encode(w, image.NewGray(image.Rect(0, 0, 2, 2))) }

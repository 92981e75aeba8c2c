package importer

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/base"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/commonmark"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/strikethrough"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/table"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// enexNote is one <note> of an ENEX file. Only one note is in memory at a
// time: the file is read token by token.
type enexNote struct {
	Title     string         `xml:"title"`
	Content   string         `xml:"content"`
	Created   string         `xml:"created"`
	Updated   string         `xml:"updated"`
	Tags      []string       `xml:"tag"`
	Resources []enexResource `xml:"resource"`
	Tasks     []enexTask     `xml:"task"`
}

type enexResource struct {
	Data     enexData `xml:"data"`
	Mime     string   `xml:"mime"`
	FileName string   `xml:"resource-attributes>file-name"`
}

type enexData struct {
	Encoding string `xml:"encoding,attr"`
	Text     string `xml:",chardata"`
}

type enexTask struct {
	Title  string `xml:"title"`
	Status string `xml:"taskStatus"`
	Group  string `xml:"taskGroupNoteLevelID"`
}

const enexTime = "20060102T150405Z"

// ReadENEX reads an Evernote export. name is the file name: its notes go
// into one notebook named after it (without ".enex").
func ReadENEX(r io.Reader, name string, sink Sink) error {
	d := xml.NewDecoder(r)
	d.Strict = true
	d.Entity = xml.HTMLEntity
	notebook := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	conv := newENMLConverter()
	root := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			if !root {
				return refusedf("%s is not an Evernote export (no <en-export>)", filepath.Base(name))
			}
			return nil
		}
		if err != nil {
			if !root {
				return refusedf("%s is not XML: %v", filepath.Base(name), err)
			}
			return refusedf("%s is truncated or broken XML: %v", filepath.Base(name), err)
		}
		if cd, ok := tok.(xml.CharData); ok && !root && len(bytes.TrimSpace(cd)) > 0 {
			return refusedf("%s is not XML: text before the first element", filepath.Base(name))
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch {
		case !root && se.Name.Local == "en-export":
			root = true
		case !root:
			return refusedf("%s is not an Evernote export (root <%s>)", filepath.Base(name), se.Name.Local)
		case se.Name.Local == "note":
			var en enexNote
			if err := d.DecodeElement(&en, &se); err != nil {
				return refusedf("%s is truncated or broken XML: %v", filepath.Base(name), err)
			}
			n, problems := en.convert(conv, notebook)
			for _, p := range problems {
				sink.Warn(n.Title, p)
			}
			if err := sink.Note(n); err != nil {
				return err
			}
		default:
			sink.Skip("<"+se.Name.Local+">", "unknown ENEX element")
			if err := d.Skip(); err != nil {
				return refusedf("%s is truncated or broken XML: %v", filepath.Base(name), err)
			}
		}
	}
}

func parseENEXTime(s string) time.Time {
	t, err := time.Parse(enexTime, strings.TrimSpace(s))
	if err != nil || t.Year() > 9999 {
		return time.Time{}
	}
	return t
}

// convert turns one ENEX note into a neutral note and the problems met.
func (en *enexNote) convert(conv *converter.Converter, notebook string) (*Note, []string) {
	n := &Note{Title: strings.TrimSpace(en.Title), Created: parseENEXTime(en.Created),
		Updated: parseENEXTime(en.Updated), Notebook: notebook}
	sum := sha256.Sum256([]byte(en.Title + "\x00" + en.Created + "\x00" + en.Content))
	n.Source = "enex:" + hex.EncodeToString(sum[:16])
	for _, t := range en.Tags {
		n.addTag(t)
	}
	var problems []string
	byHash := map[string]int{}
	for i, r := range en.Resources {
		data, err := r.Data.decode()
		if err != nil {
			problems = append(problems, fmt.Sprintf("resource %d: %v", i+1, err))
			data = nil
		}
		h := md5.Sum(data)
		name := strings.TrimSpace(r.FileName)
		if name == "" {
			name = "attachment" + extFor(r.Mime)
		}
		byHash[hex.EncodeToString(h[:])] = len(n.Attachments)
		n.Attachments = append(n.Attachments, Attachment{Name: name, Type: strings.TrimSpace(r.Mime), Open: bytesOpener(data)})
	}
	body, p := enmlToMarkdown(conv, en.Content, byHash, n, en.Tasks)
	n.Body = body
	problems = append(problems, p...)
	return n, problems
}

func (d enexData) decode() ([]byte, error) {
	if d.Encoding != "" && d.Encoding != "base64" {
		return nil, fmt.Errorf("unknown data encoding %q", d.Encoding)
	}
	clean := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, d.Text)
	b, err := base64.StdEncoding.DecodeString(clean)
	if err != nil {
		return nil, fmt.Errorf("decode base64: %w", err)
	}
	return b, nil
}

func bytesOpener(b []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

func extFor(mediaType string) string {
	switch strings.TrimSpace(mediaType) {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "application/pdf":
		return ".pdf"
	}
	return ""
}

func newENMLConverter() *converter.Converter {
	return converter.NewConverter(converter.WithPlugins(
		base.NewBasePlugin(), commonmark.NewCommonmarkPlugin(),
		table.NewTablePlugin(), strikethrough.NewStrikethroughPlugin()))
}

// Placeholders survive the HTML to Markdown conversion untouched (letters
// and digits only) and are replaced by Markdown afterwards.
const (
	phTodoOpen = "QXCLTODOOPENXQ"
	phTodoDone = "QXCLTODODONEXQ"
	phBlock    = "QXCLBLOCK"
)

var phBlockRE = regexp.MustCompile(phBlock + `(\d+)XQ`)

// enmlToMarkdown converts ENML to Markdown. Resources are looked up by the
// en-media hash; tasks are put where their task group stood (or at the end).
func enmlToMarkdown(conv *converter.Converter, enml string, byHash map[string]int, n *Note, tasks []enexTask) (string, []string) {
	var problems []string
	if err := wellFormed(enml); err != nil {
		problems = append(problems, "malformed ENML ("+err.Error()+"): imported as well as possible")
	}
	doc, err := html.Parse(strings.NewReader(enml))
	if err != nil {
		return enml, append(problems, "ENML not readable: kept as text")
	}
	var blocks []string
	block := func(md string) *html.Node {
		blocks = append(blocks, md)
		return &html.Node{Type: html.TextNode, Data: fmt.Sprintf("%s%dXQ", phBlock, len(blocks)-1)}
	}
	groups := map[string]bool{}
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type != html.ElementNode {
				c = next
				continue
			}
			style := attr(c, "style")
			switch {
			case c.Data == "en-todo":
				ph := phTodoOpen
				if attr(c, "checked") == "true" {
					ph = phTodoDone
				}
				nw := &html.Node{Type: html.TextNode, Data: ph + " "}
				replace(c, nw)
				next = nw.NextSibling
			case c.Data == "en-media":
				nw := mediaNode(c, byHash, &problems)
				replace(c, nw)
				next = nw.NextSibling
			case c.Data == "en-crypt":
				replaceAll(c, wrapP(block(cryptBlock(c))))
			case c.DataAtom == atom.Div && strings.Contains(style, "--en-codeblock:true"):
				replaceAll(c, codeNode(c))
			case c.DataAtom == atom.Div && strings.Contains(style, "--en-task-group:true"):
				id := styleValue(style, "--en-id")
				groups[id] = true
				replaceAll(c, wrapP(block(taskList(tasks, func(t enexTask) bool { return t.Group == id }))))
			case c.DataAtom == atom.Ul && strings.Contains(style, "--en-todo:true"):
				for li := c.FirstChild; li != nil; li = li.NextSibling {
					if li.Type == html.ElementNode && li.DataAtom == atom.Li {
						ph := phTodoOpen
						if strings.Contains(attr(li, "style"), "--en-checked:true") {
							ph = phTodoDone
						}
						prependText(li, ph+" ")
					}
				}
				walk(c)
			default:
				walk(c)
			}
			c = next
		}
	}
	walk(doc)
	var rest []enexTask
	for _, t := range tasks {
		if !groups[t.Group] {
			rest = append(rest, t)
		}
	}
	out, err := conv.ConvertNode(doc)
	md := string(out)
	if err != nil {
		return enml, append(problems, "ENML not convertible ("+err.Error()+"): kept as text")
	}
	md = strings.NewReplacer(phTodoOpen+" ", "[ ] ", phTodoDone+" ", "[x] ", phTodoOpen, "[ ]", phTodoDone, "[x]").Replace(md)
	md = phBlockRE.ReplaceAllStringFunc(md, func(m string) string {
		var i int
		fmt.Sscanf(phBlockRE.FindStringSubmatch(m)[1], "%d", &i)
		return blocks[i]
	})
	if len(rest) > 0 {
		md = strings.TrimRight(md, "\n") + "\n\n" + taskList(rest, func(enexTask) bool { return true })
	}
	return strings.TrimSpace(md) + "\n", problems
}

// wellFormed checks ENML as XML (HTML entities allowed).
func wellFormed(enml string) error {
	d := xml.NewDecoder(strings.NewReader(enml))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return fmt.Errorf("line %d: %s", se.Line, se.Msg)
			}
			return err
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func styleValue(style, key string) string {
	for _, part := range strings.Split(style, ";") {
		k, v, ok := strings.Cut(part, ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// replace puts nw where old stood. old's children move after nw: the HTML
// parser does not know ENML's empty elements (<en-todo/>, <en-media/>) and
// nests the text that follows them inside.
func replace(old, nw *html.Node) {
	p := old.Parent
	p.InsertBefore(nw, old)
	for c := old.FirstChild; c != nil; c = old.FirstChild {
		old.RemoveChild(c)
		p.InsertBefore(c, old)
	}
	p.RemoveChild(old)
}

// replaceAll puts nw where old and its children stood.
func replaceAll(old, nw *html.Node) {
	old.Parent.InsertBefore(nw, old)
	old.Parent.RemoveChild(old)
}

func wrapP(x *html.Node) *html.Node {
	p := &html.Node{Type: html.ElementNode, Data: "p", DataAtom: atom.P}
	p.AppendChild(x)
	return p
}

// prependText puts text at the start of the first text-bearing descendant
// of li, so the marker stays on the item's first line.
func prependText(li *html.Node, text string) {
	x := li
	for x.FirstChild != nil && x.FirstChild.Type == html.ElementNode && x.FirstChild.DataAtom == atom.Div {
		x = x.FirstChild
	}
	x.InsertBefore(&html.Node{Type: html.TextNode, Data: text}, x.FirstChild)
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		if x.Type == html.TextNode {
			b.WriteString(x.Data)
		}
		if x.Type == html.ElementNode && x.DataAtom == atom.Br {
			b.WriteString("\n")
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if x.Type == html.ElementNode && (x.DataAtom == atom.Div || x.DataAtom == atom.P) && x.NextSibling != nil {
			b.WriteString("\n")
		}
	}
	walk(n)
	return b.String()
}

// codeNode turns an Evernote code block (a styled div of divs) into <pre><code>.
func codeNode(div *html.Node) *html.Node {
	pre := &html.Node{Type: html.ElementNode, Data: "pre", DataAtom: atom.Pre}
	code := &html.Node{Type: html.ElementNode, Data: "code", DataAtom: atom.Code}
	code.AppendChild(&html.Node{Type: html.TextNode, Data: strings.TrimRight(textOf(div), "\n")})
	pre.AppendChild(code)
	return pre
}

func mediaNode(m *html.Node, byHash map[string]int, problems *[]string) *html.Node {
	hash := strings.ToLower(attr(m, "hash"))
	i, ok := byHash[hash]
	if !ok {
		*problems = append(*problems, "en-media "+hash+" has no resource")
		return &html.Node{Type: html.TextNode, Data: "[missing attachment]"}
	}
	if strings.HasPrefix(attr(m, "type"), "image/") {
		return &html.Node{Type: html.ElementNode, Data: "img", DataAtom: atom.Img,
			Attr: []html.Attribute{{Key: "src", Val: attachmentRef(i)}, {Key: "alt", Val: ""}}}
	}
	a := &html.Node{Type: html.ElementNode, Data: "a", DataAtom: atom.A, Attr: []html.Attribute{{Key: "href", Val: attachmentRef(i)}}}
	a.AppendChild(&html.Node{Type: html.TextNode, Data: "attachment"})
	return a
}

// cryptBlock keeps an <en-crypt> block visible: it cannot be decrypted
// here, so the note says so and keeps the ciphertext.
func cryptBlock(c *html.Node) string {
	var b strings.Builder
	b.WriteString("> **Encrypted in Evernote.** This text was encrypted in Evernote and cannot be read here")
	if h := attr(c, "hint"); h != "" {
		b.WriteString(" (hint: " + strings.ReplaceAll(h, "\n", " ") + ")")
	}
	b.WriteString(". Decrypt it in Evernote and import again to read it.\n>\n> ```\n")
	cipher := strings.TrimSpace(textOf(c))
	for len(cipher) > 76 {
		b.WriteString("> " + cipher[:76] + "\n")
		cipher = cipher[76:]
	}
	b.WriteString("> " + cipher + "\n> ```")
	return b.String()
}

func taskList(tasks []enexTask, keep func(enexTask) bool) string {
	var b strings.Builder
	for _, t := range tasks {
		if !keep(t) {
			continue
		}
		box := "[ ]"
		if t.Status == "completed" {
			box = "[x]"
		}
		b.WriteString("- " + box + " " + strings.TrimSpace(t.Title) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

package mdview

import (
	"bytes"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// KindWikiLink is the node kind of a [[Note title]] link.
var KindWikiLink = ast.NewNodeKind("WikiLink")

// WikiLink is a [[Note title]] link to another note, by title.
type WikiLink struct {
	ast.BaseInline
	Title string
}

// Kind implements ast.Node.
func (n *WikiLink) Kind() ast.NodeKind { return KindWikiLink }

// Dump implements ast.Node.
func (n *WikiLink) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Title": n.Title}, nil)
}

// wikiLinkParser parses [[Note title]] on one line; it runs before the
// link parser, which would otherwise read "[[x]]" as text.
type wikiLinkParser struct{}

func (wikiLinkParser) Trigger() []byte { return []byte{'['} }

func (wikiLinkParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	line, _ := block.PeekLine()
	if !bytes.HasPrefix(line, []byte("[[")) {
		return nil
	}
	end := bytes.Index(line[2:], []byte("]]"))
	if end <= 0 {
		return nil
	}
	title := bytes.TrimSpace(line[2 : 2+end])
	if len(title) == 0 || bytes.ContainsAny(title, "[]\n") {
		return nil
	}
	block.Advance(2 + end + 2)
	return &WikiLink{Title: string(title)}
}

// markdown is the one configured parser; goldmark parsers are safe for
// concurrent use once built.
var markdown = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithInlineParsers(util.Prioritized(wikiLinkParser{}, 150))),
	)
})

// Parse parses src into goldmark's tree.
func Parse(src []byte) ast.Node {
	return markdown().Parser().Parse(text.NewReader(src))
}

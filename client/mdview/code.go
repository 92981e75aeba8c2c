package mdview

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// maxHighlight is the largest code block highlighted; bigger ones are
// shown plain, so a huge paste cannot stall the preview.
const maxHighlight = 64 << 10

// codeBlock is code in monospace on a tinted block, coloured by chroma
// when the language is known (or guessed), scrolling sideways when wide.
func codeBlock(code, lang string) fyne.CanvasObject {
	fg := theme.Color(theme.ColorNameForeground)
	dark := isDark(theme.Color(theme.ColorNameBackground))
	lines := highlight(code, lang, dark, fg)
	rows := container.New(layout.NewCustomPaddedVBoxLayout(0))
	size := theme.TextSize()
	for _, line := range lines {
		row := container.New(layout.NewCustomPaddedHBoxLayout(0))
		if len(line) == 0 {
			line = []token{{text: " ", c: fg}}
		}
		for _, t := range line {
			ct := canvas.NewText(t.text, t.c)
			ct.TextStyle = fyne.TextStyle{Monospace: true} // no bold or italic monospace face in every theme
			ct.TextSize = size
			row.Add(ct)
		}
		rows.Add(row)
	}
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	bg.StrokeWidth = 1
	scroll := container.NewHScroll(container.New(layout.NewCustomPaddedLayout(8, 8, 10, 10), rows))
	return container.NewStack(bg, scroll)
}

// token is one coloured run of code.
type token struct {
	text string
	c    color.Color
}

// highlight splits code into lines of coloured runs. Tabs become four
// spaces (canvas.Text draws no tabs).
func highlight(code, lang string, dark bool, fg color.Color) [][]token {
	code = strings.ReplaceAll(code, "\t", "    ")
	var lexer chroma.Lexer
	if len(code) <= maxHighlight {
		if lang != "" {
			lexer = lexers.Get(lang)
		}
	}
	if lexer == nil {
		return plainLines(code, fg)
	}
	style := styles.Get("github")
	if dark {
		style = styles.Get("github-dark")
	}
	it, err := chroma.Coalesce(lexer).Tokenise(nil, code)
	if err != nil {
		return plainLines(code, fg)
	}
	out := [][]token{nil}
	for t := it(); t != chroma.EOF; t = it() {
		e := style.Get(t.Type)
		c := fg
		if e.Colour.IsSet() {
			c = color.NRGBA{R: e.Colour.Red(), G: e.Colour.Green(), B: e.Colour.Blue(), A: 0xff}
		}
		parts := strings.Split(t.Value, "\n")
		for i, p := range parts {
			if i > 0 {
				out = append(out, nil)
			}
			if p != "" {
				out[len(out)-1] = append(out[len(out)-1], token{text: p, c: c})
			}
		}
	}
	if n := len(out); n > 1 && len(out[n-1]) == 0 {
		out = out[:n-1]
	}
	return out
}

func plainLines(code string, fg color.Color) [][]token {
	var out [][]token
	for _, l := range strings.Split(code, "\n") {
		out = append(out, []token{{text: l, c: fg}})
	}
	return out
}

// isDark reports whether c is a dark background.
func isDark(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return (299*r+587*g+114*b)/1000 < 0x8000
}

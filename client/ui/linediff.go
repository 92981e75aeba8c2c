package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"github.com/sergi/go-diff/diffmatchpatch"
)

// diffLine is one line of a version with whether the other version lacks it.
type diffLine struct {
	text    string
	changed bool
}

// lineDiff compares two texts line by line and returns each side's lines,
// marking those the other side does not have.
func lineDiff(a, b string) (left, right []diffLine) {
	dmp := diffmatchpatch.New()
	ca, cb, lines := dmp.DiffLinesToChars(a, b)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), lines)
	for _, d := range diffs {
		for _, l := range splitLines(d.Text) {
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				left = append(left, diffLine{text: l})
				right = append(right, diffLine{text: l})
			case diffmatchpatch.DiffDelete:
				left = append(left, diffLine{text: l, changed: true})
			case diffmatchpatch.DiffInsert:
				right = append(right, diffLine{text: l, changed: true})
			}
		}
	}
	return left, right
}

// splitLines splits s into lines without their newlines ("" → none).
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// diffText shows lines with the changed ones marked: a bar and the colour
// col, bold, so they stand out without relying on colour alone.
func diffText(lines []diffLine, mark string, col fyne.ThemeColorName) *widget.RichText {
	var segs []widget.RichTextSegment
	for _, l := range lines {
		st := widget.RichTextStyleParagraph
		text := "   " + l.text
		if l.changed {
			st.ColorName = col
			st.TextStyle.Bold = true
			text = mark + "  " + l.text
		}
		st.TextStyle.Monospace = false
		segs = append(segs, &widget.TextSegment{Text: text, Style: st})
	}
	rt := widget.NewRichText(segs...)
	rt.Wrapping = fyne.TextWrapWord
	return rt
}

// changedCount counts the marked lines.
func changedCount(lines []diffLine) int {
	n := 0
	for _, l := range lines {
		if l.changed {
			n++
		}
	}
	return n
}

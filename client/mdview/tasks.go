package mdview

import (
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// taskOffset is the byte offset of the "[" of a task's "[ ]" or "[x]" in
// the source: the start of the first line of the block holding the box.
func taskOffset(box *east.TaskCheckBox, src []byte) int {
	p := box.Parent()
	if p == nil || p.Lines().Len() == 0 {
		return -1
	}
	off := p.Lines().At(0).Start
	if off < 0 || off+3 > len(src) || src[off] != '[' || src[off+2] != ']' {
		return -1
	}
	return off
}

// TaskOffsets lists, in document order, the byte offsets of every task
// check box in src.
func TaskOffsets(src string) []int {
	b := []byte(src)
	var out []int
	_ = ast.Walk(Parse(b), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if box, ok := n.(*east.TaskCheckBox); ok && entering {
			if off := taskOffset(box, b); off >= 0 {
				out = append(out, off)
			}
		}
		return ast.WalkContinue, nil
	})
	return out
}

// SetTask returns src with the task box at offset checked or cleared. It
// returns src unchanged when no task box starts at offset.
func SetTask(src string, offset int, checked bool) string {
	if offset < 0 || offset+3 > len(src) || src[offset] != '[' || src[offset+2] != ']' {
		return src
	}
	mark := " "
	if checked {
		mark = "x"
	}
	return src[:offset+1] + mark + src[offset+2:]
}

package mdview

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2/test"
)

func fmtType(v any) string { return fmt.Sprintf("%T", v) }

// FuzzRender renders any text without panicking, and toggling every task
// box twice gives back the source.
func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"# One\n\n## Two", "- a\n  - b\n    - c", "- [ ] buy\n- [x] done", "| a | b |\n|---|--:|\n| 1 | 2 |",
		"```go\nfunc main() {}\n```", "> q\n\n---", "[[Note]] [x](https://a.test) ![i](https://b.test/i.png)",
		"<b>html</b>", "one  \ntwo", "[[", "- [ ]", "1. [x] \n   ```\n   - [ ] x\n   ```",
	} {
		f.Add(s)
	}
	test.NewTempApp(f)
	f.Fuzz(func(t *testing.T, src string) {
		_ = Render(src, Handlers{})
		for _, off := range TaskOffsets(src) {
			on := SetTask(src, off, true)
			if back := SetTask(on, off, src[off+1] != ' ' && src[off+1] != '\t'); len(back) != len(src) {
				t.Fatalf("SetTask changed the length of %q", src)
			}
			if len(TaskOffsets(on)) != len(TaskOffsets(src)) {
				t.Fatalf("ticking a task in %q changed the number of tasks", src)
			}
		}
	})
}
